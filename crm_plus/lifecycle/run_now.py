"""*Run now* on a Lifecycle Rule: run it for the person who clicked, and tell them exactly what happened.

A site with at most one chunk of customers (``CRM Plus Settings → lifecycle_chunk_size``) runs the rule
inside the request and answers with the summary. A larger one queues :func:`run_job` on the long queue
(one job per rule: a second click while it runs queues nothing more); the job works through the customer
ranges one after the other, committing each, publishes its progress to the rule's form and sends the
summary to the user who clicked.

The summary says how many alerts are new, how many customers the cooldown held back (alerted by this
rule within its cooldown days, so not alerted again), and how many new alerts have nobody to act on them,
with what to set so that they would: an account owner, a stage owner in the active CRM Plan, a user with
the rule's role, or the rule's fallback user. When a run did nothing at all it says why: nobody meets the
condition now, or the rule's own restrictions (company, stages, customer group, territory, minimum
revenue) leave out everybody who does. Before the click, :func:`plan` says what a run would do.
"""

import frappe
from frappe import _
from frappe.utils import add_days, now_datetime

from crm_plus import readiness
from crm_plus.lifecycle import engine, responsible

ASSIGN_TODO, SEND_EMAIL, SEND_SURVEY = "Assign ToDo", "Send Email", "Send Survey"
SET_STAGE = "Set Stage"
EMAILING = (SEND_EMAIL, SEND_SURVEY)
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
	message that says so (with what to set); when it did nothing, why (``problems``, each with its fix)."""
	doc = frappe.get_cached_doc("Lifecycle Rule", rule)
	held_back = _held_back(doc, alerts, started)
	unassigned = _unassigned(doc, alerts)
	lines = [_("{0} new alerts.").format(len(alerts))]
	problems = []
	if held_back:
		lines.append(
			_(
				"{0} customers were alerted by this rule in the last {1} days and are held back by its cooldown."
			).format(held_back, doc.cooldown_days)
		)
	elif not alerts:
		problems += why_no_match(doc)
	if unassigned and doc.action in EMAILING and not readiness.can_queue_email():
		no_email = readiness.no_outgoing_email()
		lines.append(_("{0} new alerts sent no e-mail:").format(len(unassigned)) + " " + no_email["reason"])
		problems.append(no_email)
	elif unassigned:
		lines.append(
			_("{0} new alerts have nobody to act on them: {1}").format(len(unassigned), _what_to_set(doc))
		)
	elif alerts and doc.action == ASSIGN_TODO:
		lines.append(_("Each new alert has a ToDo for its responsible user."))
	lines += [p["reason"] for p in problems if p["reason"] not in " ".join(lines)]
	return {
		"alerts": alerts,
		"new": len(alerts),
		"held_back": held_back,
		"unassigned": unassigned,
		"problems": problems,
		"message": " ".join(lines),
	}


def plan(rule) -> dict:
	"""What *Run now* would do, said before it is pressed: how many customers the rule matches now and
	what it does for each (or why it would do nothing). Writes nothing."""
	doc = frappe.get_doc("Lifecycle Rule", rule) if isinstance(rule, str) else rule
	count = len(engine.matches(doc))
	problems = []
	if not count:
		lines = [_("No customer matches this rule now: Run now would do nothing.")]
		problems += why_no_match(doc)
		lines += [p["reason"] for p in problems]
	else:
		lines = [
			_("{0} customers match this rule now. Run now raises an alert for each and {1}.").format(
				count, _action_text(doc)
			)
		]
		if doc.action in EMAILING and not readiness.can_queue_email():
			problems.append(readiness.no_outgoing_email())
			lines.append(problems[-1]["reason"])
	if len(engine.customer_chunks(engine._chunk_size())) > 1:
		lines.append(_("On this site it runs in the background; its progress is shown on this form."))
	return {"matches": count, "problems": problems, "message": " ".join(lines)}


def _action_text(rule) -> str:
	if rule.action == ASSIGN_TODO:
		return _("assigns a ToDo to the customer's {0}").format(_(rule.responsible or _("Responsible")))
	if rule.action == SEND_EMAIL:
		to = _("the customer") if rule.email_to == "Customer" else _(rule.responsible or _("Responsible"))
		return _("e-mails {0} to {1}").format(rule.email_template, to)
	if rule.action == SEND_SURVEY:
		return _("e-mails the survey {0} to the customer's contact").format(rule.feedback_survey)
	if rule.action == SET_STAGE:
		return _("sets the customer's lifecycle stage to {0}").format(_(rule.target_stage))
	return _("only logs it")


def why_no_match(rule) -> list[dict]:
	"""Why the rule matches nobody now: nobody meets its condition, or its restrictions leave out
	everybody who does (each restriction named, with its value). Cooldown aside, which is said apart."""
	from crm_plus.lifecycle.conditions import get_condition

	restrictions = _restrictions(rule)
	condition = _(get_condition(rule.condition).label) if rule.condition else ""
	if not restrictions:
		return [
			{
				"reason": _("No customer meets the condition {0} now.").format(condition),
				"fix": readiness.fix(_("Check the condition's parameters")),
			}
		]
	bare = frappe.get_doc(rule.as_dict())
	bare.stages, bare.customer_group, bare.territory = [], None, None
	bare.company, bare.min_lifetime_revenue = None, 0
	meeting = len(engine.matches(bare))
	if not meeting:
		return [
			{
				"reason": _(
					"No customer meets the condition {0} now, whatever the rule's restrictions."
				).format(condition),
				"fix": readiness.fix(_("Check the condition's parameters")),
			}
		]
	return [
		{
			"reason": _(
				"{0} customers meet the condition {1}, but none of them within this rule's restrictions: {2}."
			).format(meeting, condition, "; ".join(restrictions)),
			"fix": readiness.fix(_("Widen or clear these restrictions on the rule")),
		}
	]


def _restrictions(rule) -> list[str]:
	"""The rule's restrictions, each as "Label: value" in the reader's language."""
	meta = frappe.get_meta("Lifecycle Rule")
	out = []
	if rule.company:
		out.append(f"{_(meta.get_label('company'))}: {rule.company}")
	if rule.stages:
		stages = ", ".join(_(row.lifecycle_stage) for row in rule.stages)
		out.append(f"{_(meta.get_label('stages'))}: {stages}")
	if rule.customer_group and not _is_root("Customer Group", rule.customer_group):
		out.append(f"{_(meta.get_label('customer_group'))}: {rule.customer_group}")
	if rule.territory and not _is_root("Territory", rule.territory):
		out.append(f"{_(meta.get_label('territory'))}: {rule.territory}")
	if rule.min_lifetime_revenue:
		out.append(
			f"{_(meta.get_label('min_lifetime_revenue'))}: {frappe.format(rule.min_lifetime_revenue, 'Currency')}"
		)
	return out


def _is_root(doctype: str, name: str) -> bool:
	"""The root of a tree ("All Customer Groups") restricts nobody."""
	parent_field = "parent_" + frappe.scrub(doctype)
	return not frappe.db.get_value(doctype, name, parent_field)


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
	if not alerts or rule.action not in (ASSIGN_TODO, *EMAILING):
		return []
	field = "todo" if rule.action == ASSIGN_TODO else "email_queue"
	return frappe.get_all(
		"Lifecycle Alert",
		filters={"name": ("in", alerts), field: ("is", "not set")},
		pluck="name",
		order_by="name asc",
	)


def _what_to_set(rule) -> str:
	if rule.action == SEND_SURVEY:
		return _("give these customers a contact with an e-mail address.")
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
