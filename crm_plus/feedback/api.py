"""Whitelisted entry points: a guest answers through a survey link; staff send surveys to customers."""

import json

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from crm_plus import readiness
from crm_plus.feedback import invitations, localize, responses

# survey posts per hour from one IP address (an office behind one address may hold several contacts)
RATE_LIMIT = 30
RATE_WINDOW = 60 * 60


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
@rate_limit(limit=RATE_LIMIT, seconds=RATE_WINDOW)
def submit(
	token: str, answers: str | dict | None = None, comment: str | None = None, lang: str | None = None
) -> dict:
	"""Answer the survey of a link. Only the link's own invitation is read; the reply says nothing else.
	``lang``: the language the page was answered in, which the response keeps."""
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
			"language": _answered_in(invitation, lang),
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


def _answered_in(invitation, lang: str | None) -> str | None:
	"""The language the page was answered in when it is one the page offers, else the link's."""
	survey = frappe.get_cached_doc("Feedback Survey", invitation.survey)
	offered = localize.offered_languages(survey.language, survey.translated_languages())
	return localize.normalize(lang, offered) or invitation.language


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


@frappe.whitelist(methods=["GET"])
def survey_recipients(customers: str | list, survey: str | None = None, contact: str | None = None) -> dict:
	"""What *Send* would do, before it is pressed: whom each customer's survey e-mail goes to, which
	customers cannot get one and why (with the fix), whether the site can queue e-mail at all and whether
	queued e-mails are held. Writes nothing."""
	customers = _check_send(customers, survey, contact)
	recipients = invitations.recipients_for_customers(customers, contact)
	problems = [] if readiness.can_queue_email() else [readiness.no_outgoing_email()]
	return {
		"recipients": [_shown(r) for r in recipients if r.email],
		"refused": _refused(recipients),
		"problems": problems,
		"held": readiness.email_held(),
		"valid_days": (frappe.db.get_value("Feedback Survey", survey, "link_valid_days") or 14)
		if survey
		else None,
	}


@frappe.whitelist(methods=["POST"])
def send_survey(survey: str, customers: str | list, contact: str | None = None) -> dict:
	"""Send a survey to customers' contacts (from the Customer form or in bulk from the list).

	Only e-mails that can go out make an invitation; the reply names the customers that got none, why
	and how to fix it, and says so in ``message``."""
	customers = _check_send(customers, survey, contact)
	recipients = invitations.recipients_for_customers(customers, contact)
	if not readiness.can_queue_email():
		problems = [readiness.no_outgoing_email()]
		return _reply([], recipients, problems)
	reachable = [r for r in recipients if r.email]
	created = invitations.send(survey, reachable)
	# Frappe refused to queue some (an outgoing account it could not use): they left no invitation either
	return _reply(
		created, recipients, [readiness.no_outgoing_email()] if len(created) < len(reachable) else []
	)


@frappe.whitelist(methods=["POST"])
def resend_invitation(invitation: str | int) -> dict:
	"""Send an invitation again with a new link (the Feedback Invitation form's *Send Again*)."""
	doc = frappe.get_doc("Feedback Invitation", invitation)
	doc.check_permission("read")
	frappe.has_permission("Customer", "read", doc.customer, throw=True)
	frappe.has_permission("Feedback Survey", "read", doc.survey, throw=True)
	out = invitations.resend(doc.name)
	if out["sent"]:
		out["message"] = _(
			"Survey e-mail queued to {0} with a new link; the old link no longer works."
		).format(out["email"])
	else:
		out["message"] = _nothing_sent(out["problems"])
	return out


def _check_send(customers: str | list, survey: str | None, contact: str | None) -> list[str]:
	"""The customers, once the user may send this survey to them; refused otherwise."""
	frappe.has_permission("Feedback Invitation", "read", throw=True)
	customers = frappe.parse_json(customers) if isinstance(customers, str) else customers
	if isinstance(customers, str):
		customers = [customers]
	customers = list(dict.fromkeys(customers or []))
	if not customers:
		frappe.throw(_("Select the customers first."))
	for customer in customers:
		frappe.has_permission("Customer", "read", customer, throw=True)
	if survey:
		frappe.has_permission("Feedback Survey", "read", survey, throw=True)
		audience, active = frappe.db.get_value("Feedback Survey", survey, ["audience", "active"])
		if audience != "Customer":
			frappe.throw(_("{0} is not a customer survey.").format(survey))
		if not active:
			frappe.throw(_("Survey {0} is not active: activate it before sending it.").format(survey))
	if contact:
		_check_contact(contact, customers)
	return customers


def _shown(recipient) -> dict:
	return {
		"customer": recipient.customer,
		"customer_name": recipient.customer_name,
		"contact": recipient.contact,
		"contact_name": recipient.contact_name,
		"email": recipient.email,
		"language": recipient.language,
	}


def _refused(recipients) -> list[dict]:
	return [
		{"customer": r.customer, "customer_name": r.customer_name, **refused}
		for r in recipients
		if (refused := invitations.problem(r))
	]


def _reply(created: list[int], recipients, problems: list[dict]) -> dict:
	sent = (
		frappe.db.count("Feedback Invitation", {"name": ("in", created), "status": "Sent"}) if created else 0
	)
	refused = _refused(recipients)
	held = readiness.email_held() if sent else None
	if sent:
		lines = [_("Survey e-mailed to {0} of {1} customers.").format(sent, len(recipients))]
		lines += [r["reason"] for r in refused]
		if held:
			lines.append(held)
		message = " ".join(lines)
	else:
		message = _nothing_sent(problems + refused)
	return {
		"invitations": created,
		"sent": sent,
		"refused": refused,
		"problems": problems,
		"held": held,
		"message": message,
	}


def _nothing_sent(problems: list[dict]) -> str:
	reasons = " ".join(f"{p['reason']} {p['fix']['label']}." for p in problems)
	return " ".join(filter(None, [_("Nothing was sent."), reasons]))


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
