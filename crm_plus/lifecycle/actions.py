"""What a rule does for each new alert: assign a ToDo, send an e-mail, set the stage, or only log it.

Runs only for the alerts a run really inserted. Responsible users are resolved in one query for the whole
set; ToDos and e-mails are documents, so they are created one per alert (through Frappe, with its
notifications and Email Queue). ToDos are assigned with Frappe's assignment API, so the assignee is
notified, gets access (the alert is shared when needed) and follows it as with any assignment.

What was done is stored as a message (its English text) and its arguments (``action_message``,
``action_args``) beside the text in the site's language (``action_taken``); the alert's form shows it in
the reader's language (``Lifecycle Alert.onload``).
"""

import json

import frappe
from frappe import _, _lt
from frappe.desk.form import assign_to
from frappe.utils import escape_html

from crm_plus import access
from crm_plus.lifecycle import responsible, stages

ASSIGN_TODO, SEND_EMAIL, SET_STAGE, LOG_ONLY = "Assign ToDo", "Send Email", "Set Stage", "Log Only"
SEND_SURVEY = "Send Survey"


def apply(rule, alerts: list[dict]) -> None:
	if not alerts:
		return
	handler = {
		ASSIGN_TODO: assign_todo,
		SEND_EMAIL: send_email,
		SEND_SURVEY: send_survey,
		SET_STAGE: set_stage,
	}.get(rule.action)
	if handler:
		handler(rule, alerts)
	else:
		_mark(alerts, _lt("Logged"))


def assign_todo(rule, alerts: list[dict]) -> None:
	users = responsible.users_for(rule, [a.customer for a in alerts])
	same_fact = open_alerts_of_same_fact(rule, alerts)
	assigned = None
	for alert in alerts:
		user = users.get(alert.customer)
		if not user:
			_mark([alert], _lt("No responsible user found; nothing assigned"))
			continue
		# another rule's open alert of the same condition already gave this user a ToDo for this customer
		if into := _first(same_fact.get(alert.customer), lambda a: a.todo and a.responsible_user == user):
			merge(alert, into, user)
			continue
		todo = assign(
			"Lifecycle Alert",
			alert.name,
			user,
			_description(rule, alert),
			role=rule.responsible_role if rule.responsible == responsible.ROLE else None,
		)
		if not todo:  # refused by Frappe: the rest of the batch is still assigned
			_mark([alert], _lt("{0} may not read this alert; nothing assigned"), user)
			continue
		frappe.db.set_value(
			"Lifecycle Alert", alert.name, {"todo": todo, "responsible_user": user}, update_modified=False
		)
		_mark([alert], _lt("ToDo assigned to {0}"), user)
		assigned = user
	responsible.remember(rule, assigned)


def assign(doctype: str, name, user: str, description: str, role: str | None = None, date=None) -> str | None:
	"""Assign the document to ``user`` through Frappe (``assign_to.add``: ToDo, share when needed,
	follow, assignment notification); an open assignment of the same user is kept, not duplicated.
	Returns the ToDo's name; None when Frappe refuses the user (document sharing disabled and no access to
	the document), with nothing written and no message left for the caller's user."""
	shown = len(frappe.local.message_log)
	frappe.db.savepoint("crm_plus_assign")
	try:
		assign_to.add(
			{
				"assign_to": [user],
				"doctype": doctype,
				"name": str(name),
				"description": description,
				"priority": "Medium",
				"assigned_by": "Administrator",
				**({"date": date} if date else {}),
			},
			ignore_permissions=True,
		)
	except frappe.ValidationError:
		frappe.db.rollback(save_point="crm_plus_assign")
		del frappe.local.message_log[shown:]
		return None
	# not released: Frappe's assignment may have committed (which ends the savepoint) inside a request
	todo = frappe.db.get_value(
		"ToDo",
		{"reference_type": doctype, "reference_name": str(name), "allocated_to": user, "status": "Open"},
		"name",
		order_by="creation desc",
	)
	if todo and role:
		frappe.db.set_value("ToDo", todo, "role", role, update_modified=False)
	return todo


def send_email(rule, alerts: list[dict]) -> None:
	template = frappe.get_doc("Email Template", rule.email_template)
	customers = [a.customer for a in alerts]
	info = {
		row.name: row
		for row in frappe.get_all(
			"Customer", filters={"name": ("in", customers)}, fields=["name", "customer_name", "email_id"]
		)
	}
	users = {} if rule.email_to == "Customer" else responsible.users_for(rule, customers)
	emails = _user_emails([u for u in users.values() if u])
	same_fact = open_alerts_of_same_fact(rule, alerts)
	for alert in alerts:
		customer = info.get(alert.customer) or frappe._dict()
		user = users.get(alert.customer)
		recipient = customer.email_id if rule.email_to == "Customer" else emails.get(user)
		if not recipient:
			_mark([alert], _lt("No e-mail address found; nothing sent"))
			continue
		# the same recipient was already e-mailed about this fact by another rule's open alert
		if into := _first(
			same_fact.get(alert.customer),
			lambda a: a.email_queue and a.action == SEND_EMAIL and a.recipient == recipient,
		):
			merge(alert, into, recipient)
			continue
		# amounts go to the customer (their own invoices) and to users who may read them, never to others
		money = rule.email_to == "Customer" or can_read_money(user)
		context = {
			"customer": alert.customer,
			"customer_name": customer.customer_name,
			"rule": rule.title,
			"explanation": alert.explanation if money else alert.public_explanation,
			"alert": alert.name,
			**frappe.parse_json(alert.facts or "{}"),
			**(frappe.parse_json(alert.matched_values or "{}") if money else {}),
		}
		email = template.get_formatted_email(context)
		try:
			queued = frappe.sendmail(
				recipients=[recipient],
				subject=email["subject"],
				message=email["message"],
				reference_doctype="Lifecycle Alert",
				reference_name=alert.name,
			)
		except frappe.OutgoingEmailError:
			# no outgoing e-mail account: say so on the alert, which stays open for someone to act on
			frappe.clear_messages()
			_mark([alert], _lt("No outgoing e-mail account; nothing sent"))
			continue
		frappe.db.set_value(
			"Lifecycle Alert",
			alert.name,
			{"email_queue": queued.name if queued else None, "responsible_user": user},
			update_modified=False,
		)
		_mark([alert], _lt("E-mail queued to {0}"), recipient)


def send_survey(rule, alerts: list[dict]) -> None:
	"""Send the rule's Feedback Survey to each customer's contact; the invitation is unique per
	(survey, alert), so an alert never sends twice. An alert whose survey cannot go out (no contact with an
	e-mail address, no outgoing e-mail account) says so and leaves no invitation."""
	from crm_plus import readiness
	from crm_plus.feedback import invitations

	if not readiness.can_queue_email():
		_mark(alerts, _lt("No outgoing e-mail account; nothing sent"))
		return
	found = {r.customer: r for r in invitations.recipients_for_customers([a.customer for a in alerts])}
	for alert in alerts:
		recipient = found.get(alert.customer)
		if not recipient or not recipient.email:
			_mark([alert], _lt("No e-mail address found; nothing sent"))
			continue
		recipient.reference_doctype, recipient.reference_name = "Lifecycle Alert", str(alert.name)
		created = invitations.send(rule.feedback_survey, [recipient])
		queued = created and frappe.db.get_value("Feedback Invitation", created[0], "email_queue")
		if not queued:
			_mark([alert], _lt("No outgoing e-mail account; nothing sent"))
			continue
		frappe.db.set_value(
			"Lifecycle Alert",
			alert.name,
			{"email_queue": queued, "action_taken": _("Survey sent to {0}").format(recipient.email)},
			update_modified=False,
		)


MERGED = "Merged"


def open_alerts_of_same_fact(rule, alerts: list[dict]) -> dict[str, list[dict]]:
	"""{customer: open alerts of other rules on the same condition (the same fact), oldest first}, each
	with whom it reached (``responsible_user``, ``recipient`` of its e-mail); one query for the batch."""
	if not alerts:
		return {}
	a, q = frappe.qb.DocType("Lifecycle Alert"), frappe.qb.DocType("Email Queue Recipient")
	rows = (
		frappe.qb.from_(a)
		.left_join(q)
		.on(q.parent == a.email_queue)
		.select(a.name, a.customer, a.rule, a.action, a.todo, a.responsible_user, a.email_queue)
		.select(q.recipient)
		.where(a.customer.isin([alert.customer for alert in alerts]))
		.where((a.status == "Open") & (a.condition == rule.condition) & (a.rule != rule.name))
		.orderby(a.name)
	).run(as_dict=True)
	found: dict[str, list[dict]] = {}
	for row in rows:
		found.setdefault(row.customer, []).append(row)
	return found


def _first(rows, test):
	return next((row for row in rows or () if test(row)), None)


def merge(alert, into, whom: str) -> None:
	"""The alert states the fact another rule's open alert already acted on, for the same person: it is
	kept (its rule's cooldown runs from it) as *Merged* into that one, and nothing is done twice."""
	frappe.db.set_value(
		"Lifecycle Alert", alert.name, {"status": MERGED, "merged_into": into.name}, update_modified=False
	)
	_mark(
		[alert],
		_lt(
			"Same fact as the open alert {0} of the rule {1}, which already reached {2}: merged into it, nothing done twice"
		),
		into.name,
		into.rule,
		whom,
	)


def set_stage(rule, alerts: list[dict]) -> None:
	"""The alerts carry ``stage_set`` from their insert; recomputing their customers applies the flag."""
	_mark(alerts, _lt("Stage set to {0}"), rule.target_stage)
	stages.update_stages([a.customer for a in alerts])


def _mark(alerts: list[dict], message, *args) -> None:
	"""Record what was done: ``message`` (an ``_lt`` message, or a text) with its arguments, rendered in
	the site's language into ``action_taken`` and kept as message and arguments for every reader."""
	msgid = getattr(message, "msg", None) or str(message)
	alert = frappe.qb.DocType("Lifecycle Alert")
	frappe.qb.update(alert).set(alert.action_taken, render_action(msgid, args)).set(
		alert.action_message, msgid
	).set(alert.action_args, json.dumps([str(a) for a in args])).where(
		alert.name.isin([a.name for a in alerts])
	).run()


def render_action(msgid: str | None, args) -> str:
	"""An action message in the current language (stages are translated too)."""
	return _(msgid).format(*(_(a) for a in args)) if msgid else ""


def can_read_money(user: str | None = None) -> bool:
	"""Whether ``user`` (default: the session user) may read amounts of money (permlevel 1 of Lifecycle
	Alert: CRM Manager, Sales Manager, Accounts User, System Manager)."""
	if not user:
		return False
	return access.can_read_money("Lifecycle Alert", user)


def _user_emails(users: list[str]) -> dict[str, str]:
	if not users:
		return {}
	return dict(
		frappe.get_all(
			"User",
			filters={"name": ("in", list(set(users))), "enabled": 1},
			fields=["name", "email"],
			as_list=True,
		)
	)


def _description(rule, alert) -> str:
	"""The ToDo's text: the rule, the customer and why, without amounts (the assignee may not read them)."""
	return _("{0}: {1} ({2})").format(
		escape_html(rule.title), escape_html(alert.customer), escape_html(alert.public_explanation)
	)
