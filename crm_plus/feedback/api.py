"""Whitelisted entry points: a guest answers through a survey link; staff send surveys to customers."""

import json

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from crm_plus.feedback import invitations, responses

# survey posts per hour from one IP address (an office behind one address may hold several contacts)
RATE_LIMIT = 30


def state_message(state: str) -> str:
	"""What the page and the endpoint say about a link that cannot be answered."""
	return {
		invitations.MISSING: _("This survey link is incomplete. Please open the link from your e-mail."),
		invitations.INVALID: _("This survey link is not valid. Please open the link from your e-mail."),
		invitations.EXPIRED: _("This survey link has expired."),
		invitations.USED: _("This survey has already been answered. Thank you!"),
		invitations.INACTIVE: _("This survey is closed."),
	}[state]


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=RATE_LIMIT, seconds=60 * 60)
def submit(token: str, answers: str | dict | None = None, comment: str | None = None) -> dict:
	"""Answer the survey of a link. Only the link's own invitation is read; the reply says nothing else."""
	state, invitation = invitations.lookup(token)
	if state != invitations.VALID:
		frappe.throw(state_message(state), title=_("Survey"))
	raw = _parse_answers(answers)
	if not isinstance(raw, dict):
		frappe.throw(_("Answers must be given per question."), title=_("Invalid Answer"))
	if comment and len(comment) > 5000:
		frappe.throw(_("{0}: at most {1} characters.").format(_("Comment"), 5000))
	# check every answer before anything is written: a refused answer leaves the link usable
	responses.check_answers(invitation.survey, raw)
	if not invitations.claim(invitation.name):
		frappe.throw(state_message(invitations.USED), title=_("Survey"))
	response = frappe.get_doc(
		{
			"doctype": "Feedback Response",
			"survey": invitation.survey,
			"customer": invitation.customer,
			"contact": invitation.contact,
			"language": invitation.language,
			"channel": "Email Link",
			"invitation": invitation.name,
			"comment": (comment or "").strip() or None,
			"answers": [{"question": key, "answer": _as_text(value)} for key, value in raw.items()],
		}
	)
	response.insert(ignore_permissions=True)
	frappe.db.set_value(
		"Feedback Invitation", invitation.name, "response", response.name, update_modified=False
	)
	return {"status": "ok", "message": _("Thank you for your feedback!")}


def _parse_answers(answers: str | dict | None):
	if not isinstance(answers, str):
		return answers or {}
	try:
		return json.loads(answers)
	except ValueError:
		frappe.throw(_("Answers must be given per question."), title=_("Invalid Answer"))


def _as_text(value) -> str | None:
	if isinstance(value, list | tuple):
		return "\n".join(str(v) for v in value)
	return None if value is None else str(value)


@frappe.whitelist(methods=["POST"])
def send_survey(survey: str, customers: str | list, contact: str | None = None) -> dict:
	"""Send a survey to customers' contacts (from the Customer form or in bulk from the list)."""
	frappe.has_permission("Feedback Invitation", "read", throw=True)
	frappe.has_permission("Feedback Survey", "read", survey, throw=True)
	customers = frappe.parse_json(customers) if isinstance(customers, str) else customers
	if isinstance(customers, str):
		customers = [customers]
	for customer in customers:
		frappe.has_permission("Customer", "read", customer, throw=True)
	audience, active = frappe.db.get_value("Feedback Survey", survey, ["audience", "active"])
	if audience != "Customer":
		frappe.throw(_("{0} is not a customer survey.").format(survey))
	if not active:
		frappe.throw(_("Survey {0} is not active: activate it before sending it.").format(survey))
	if contact:
		_check_contact(contact, customers)
	recipients = invitations.recipients_for_customers(list(customers), contact)
	created = invitations.send(survey, recipients)
	sent = frappe.db.count("Feedback Invitation", {"name": ("in", created or [0]), "status": "Sent"})
	return {"invitations": created, "sent": sent}


def _check_contact(contact: str, customers: list[str]) -> None:
	"""A contact given by hand must be one the user may read, linked to every customer it is sent for."""
	frappe.has_permission("Contact", "read", contact, throw=True)
	linked = set(
		frappe.get_all(
			"Dynamic Link",
			filters={
				"parenttype": "Contact",
				"parent": contact,
				"link_doctype": "Customer",
				"link_name": ("in", customers),
			},
			pluck="link_name",
		)
	)
	if others := [c for c in customers if c not in linked]:
		frappe.throw(
			_("Contact: {0} is not a contact of {1}.").format(
				frappe.bold(contact), ", ".join(frappe.bold(c) for c in others)
			)
		)
