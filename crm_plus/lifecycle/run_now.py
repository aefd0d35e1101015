"""*Run now* on a Lifecycle Rule: run it for the person who clicked, and tell them exactly what happened.

A site with at most one chunk of customers (``CRM Plus Settings → lifecycle_chunk_size``) runs the rule
inside the request and answers with the summary. A larger one queues :func:`run_job` on the long queue
(one job per rule: a second click while it runs queues nothing more); the job works through the customer
ranges one after the other, committing each, publishes its progress to the rule's form and sends the
summary to the user who clicked.

The summary says how many alerts are new, how many customers the cooldown held back (alerted by this
rule within its cooldown days, so not alerted again), and how many new alerts have nobody to act on them,
with what to set so that they would: an account owner, a stage owner in the active CRM Plan, a user with
the rule's role, or the rule's fallback user.
"""

import frappe
from frappe import _
from frappe.utils import add_days, now_datetime

from crm_plus.lifecycle import engine, responsible

ASSIGN_TODO, SEND_EMAIL = "Assign ToDo", "Send Email"
EVENT = "crm_plus_lifecycle_run"


def job_id(rule: str) -> str:
	return f"crm_plus:lifecycle:run_now:{rule}"


def start(rule: str) -> dict:
	"""Run the rule now (small site) or queue :func:`run_job` (large site); the summary or ``queued``."""
	chunks = engine.customer_chunks(engine._chunk_size())
	if len(chunks) == 1:
		started = now_datetime()
		alerts = engine.run_rule(rule)
		return summarize(rule, alerts, started)
	frappe.enqueue(
		"crm_plus.lifecycle.run_now.run_job",
		queue="long",
		job_id=job_id(rule),
		deduplicate=True,
		enqueue_after_commit=True,
		rule=rule,
		user=frappe.session.user,
	)
	return {"queued": 1, "chunks": len(chunks), "message": _("The rule runs in the background.")}


def run_job(rule: str, user: str | None = None) -> dict:
	"""Background job: every customer range in turn, one commit each, progress shown on the rule's form;
	the summary goes to ``user`` (and is returned)."""
	started = now_datetime()
	chunks = engine.customer_chunks(engine._chunk_size())
	title = _("Running lifecycle rule {0}").format(rule)
	alerts = []
	for done, (chunk_start, chunk_end) in enumerate(chunks, start=1):
		alerts += engine.run_rule(rule, chunk_start, chunk_end)
		frappe.db.commit()
		frappe.publish_progress(
			done * 100 / len(chunks),
			title=title,
			doctype="Lifecycle Rule",
			docname=rule,
			description=_("{0} of {1} customer ranges checked, {2} new alerts").format(
				done, len(chunks), len(alerts)
			),
		)
	summary = summarize(rule, alerts, started)
	if user:
		frappe.publish_realtime(EVENT, summary, user=user, after_commit=True)
	return summary


def summarize(rule: str, alerts: list[str], started=None) -> dict:
	"""What one run did: new alerts, customers held back by the cooldown, alerts nobody acts on, and the
	message that says so (with what to set)."""
	doc = frappe.get_cached_doc("Lifecycle Rule", rule)
	held_back = _held_back(doc, alerts, started)
	unassigned = _unassigned(doc, alerts)
	lines = [_("{0} new alerts.").format(len(alerts))]
	if held_back:
		lines.append(
			_(
				"{0} customers were alerted by this rule in the last {1} days and are held back by its cooldown."
			).format(held_back, doc.cooldown_days)
		)
	if unassigned:
		lines.append(
			_("{0} new alerts have nobody to act on them: {1}").format(len(unassigned), _what_to_set(doc))
		)
	elif alerts and doc.action == ASSIGN_TODO:
		lines.append(_("Each new alert has a ToDo for its responsible user."))
	return {
		"alerts": alerts,
		"new": len(alerts),
		"held_back": held_back,
		"unassigned": unassigned,
		"message": " ".join(lines),
	}


def _held_back(rule, alerts: list[str], started) -> int:
	"""Customers this rule alerted within its cooldown before this run: the run left them out."""
	alert = frappe.qb.DocType("Lifecycle Alert")
	since = add_days(started or now_datetime(), -int(rule.cooldown_days or 1))
	query = (
		frappe.qb.from_(alert)
		.select(alert.customer)
		.distinct()
		.where((alert.rule == rule.name) & (alert.matched_on > since))
	)
	if alerts:
		query = query.where(alert.name.notin(alerts))
	if started:
		query = query.where(alert.matched_on < started)
	return len(query.run(pluck=True))


def _unassigned(rule, alerts: list[str]) -> list[str]:
	"""New alerts whose action found nobody: no ToDo (Assign ToDo) or no e-mail (Send Email)."""
	if not alerts or rule.action not in (ASSIGN_TODO, SEND_EMAIL):
		return []
	field = "todo" if rule.action == ASSIGN_TODO else "email_queue"
	return frappe.get_all(
		"Lifecycle Alert",
		filters={"name": ("in", alerts), field: ("is", "not set")},
		pluck="name",
		order_by="name asc",
	)


def _what_to_set(rule) -> str:
	if rule.action == SEND_EMAIL and rule.email_to == "Customer":
		return _("set an e-mail address on these customers.")
	fallback = _("or set a {0} on this rule.").format(_("Fallback User"))
	if rule.responsible == responsible.ACCOUNT_OWNER:
		what = _("set an {0} on these customers' relationships (or their Customer's {1})").format(
			_("Account Owner"), _("Account Manager")
		)
	elif rule.responsible == responsible.STAGE_OWNER:
		if rule.company:
			what = _("set a {0} for their lifecycle stage in the active CRM Plan").format(_("Stage Owner"))
		else:
			# a rule for every company takes each customer's owner from its own company's plan
			what = _(
				"set a {0} for their lifecycle stage in the active CRM Plan of the company they deal with"
			).format(_("Stage Owner"))
	elif rule.responsible == responsible.ROLE:
		what = _("give the role {0} to an enabled user").format(rule.responsible_role)
	elif rule.responsible == responsible.USER:
		what = _("enable the user {0} and give them an e-mail address").format(rule.responsible_user)
	else:
		what = _("choose who is {0} on this rule").format(_("Responsible"))
	return f"{what}, {fallback}"
