"""What a rule does for each new alert: assign a ToDo, send an e-mail, set the stage, or only log it.

Runs only for the alerts a run really inserted. Responsible users are resolved in one query for the whole
set; ToDos and e-mails are documents, so they are created one per alert (through Frappe, with its
notifications and Email Queue).
"""

import frappe
from frappe import _
from frappe.utils import escape_html

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
		_mark(alerts, _("Logged"))


def assign_todo(rule, alerts: list[dict]) -> None:
	users = responsible.users_for(rule, [a.customer for a in alerts])
	for alert in alerts:
		user = users.get(alert.customer)
		if not user:
			_mark([alert], _("No responsible user found; nothing assigned"))
			continue
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"description": _description(rule, alert),
				"reference_type": "Lifecycle Alert",
				"reference_name": alert.name,
				"role": rule.responsible_role if rule.responsible == responsible.ROLE else None,
				"assigned_by": "Administrator",
				"priority": "Medium",
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value(
			"Lifecycle Alert",
			alert.name,
			{
				"todo": todo.name,
				"responsible_user": user,
				"action_taken": _("ToDo assigned to {0}").format(user),
			},
			update_modified=False,
		)


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
	for alert in alerts:
		customer = info.get(alert.customer) or frappe._dict()
		user = users.get(alert.customer)
		recipient = customer.email_id if rule.email_to == "Customer" else emails.get(user)
		if not recipient:
			_mark([alert], _("No e-mail address found; nothing sent"))
			continue
		context = {
			"customer": alert.customer,
			"customer_name": customer.customer_name,
			"rule": rule.title,
			"explanation": alert.explanation,
			"alert": alert.name,
			**frappe.parse_json(alert.matched_values or "{}"),
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
			_mark([alert], _("No outgoing e-mail account; nothing sent"))
			continue
		frappe.db.set_value(
			"Lifecycle Alert",
			alert.name,
			{
				"email_queue": queued.name if queued else None,
				"responsible_user": user,
				"action_taken": _("E-mail queued to {0}").format(recipient),
			},
			update_modified=False,
		)


def send_survey(rule, alerts: list[dict]) -> None:
	"""Send the rule's Feedback Survey to each customer's primary contact; the invitation is unique per
	(survey, alert), so an alert never sends twice."""
	from crm_plus.feedback import invitations

	found = {r.customer: r for r in invitations.recipients_for_customers([a.customer for a in alerts])}
	for alert in alerts:
		recipient = found.get(alert.customer)
		if not recipient or not recipient.email:
			_mark([alert], _("No e-mail address found; nothing sent"))
			continue
		recipient.reference_doctype, recipient.reference_name = "Lifecycle Alert", str(alert.name)
		created = invitations.send(rule.feedback_survey, [recipient])
		queued = created and frappe.db.get_value("Feedback Invitation", created[0], "email_queue")
		if not queued:
			_mark([alert], _("No outgoing e-mail account; nothing sent"))
			continue
		frappe.db.set_value(
			"Lifecycle Alert",
			alert.name,
			{"email_queue": queued, "action_taken": _("Survey sent to {0}").format(recipient.email)},
			update_modified=False,
		)


def set_stage(rule, alerts: list[dict]) -> None:
	"""The alerts carry ``stage_set`` from their insert; recomputing their customers applies the flag."""
	_mark(alerts, _("Stage set to {0}").format(_(rule.target_stage)))
	stages.update_stages([a.customer for a in alerts])


def _mark(alerts: list[dict], text: str) -> None:
	alert = frappe.qb.DocType("Lifecycle Alert")
	frappe.qb.update(alert).set(alert.action_taken, text).where(
		alert.name.isin([a.name for a in alerts])
	).run()


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
	return _("{0}: {1} ({2})").format(
		escape_html(rule.title), escape_html(alert.customer), escape_html(alert.explanation)
	)
