"""Survey invitations: a signed, expiring, single-use link sent to a contact through the e-mail queue.

The link carries a random token; the Feedback Invitation stores only its SHA-256 hash, its expiry and
``used_at``. Redeeming it is one conditional ``UPDATE ... WHERE used_at IS NULL AND expires_on > now``:
whichever request changes the row first wins, any other (a double click, a replay, a second tab) changes
nothing and is refused, whatever the timing.

An invitation made for a document (a delivery, an invoice, an issue, a lifecycle alert) is unique per
(survey, reference doctype, reference name) in the database, so a job that runs twice, or two at once,
never sends twice for the same document.

A send that cannot go out leaves no invitation: whoever sends (the desk's dialog, a lifecycle rule) is
told why instead (:func:`problem`). Only the hourly trigger keeps a *Not Sent* invitation for a document
whose customer has no e-mail address, once per document, as the record of why it was not surveyed; it can
be re-sent (:func:`resend`) once the customer has a contact with an e-mail address.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import add_days, get_url, now_datetime

from crm_plus import readiness
from crm_plus.feedback import tokens

DEFAULT_TEMPLATE = "Feedback Survey Invitation"
LANGUAGES = ("en", "zh", "zh-TW")
SENT, ANSWERED, NOT_SENT = "Sent", "Answered", "Not Sent"
PAGE = "/feedback"

COLUMNS = (
	"name",
	"survey",
	"customer",
	"contact",
	"email",
	"language",
	"status",
	"expires_on",
	"reference_doctype",
	"reference_name",
	"token_hash",
	"note",
	"owner",
	"modified_by",
	"creation",
	"modified",
	"docstatus",
	"idx",
)


@dataclass
class Recipient:
	customer: str | None
	contact: str | None = None
	email: str | None = None
	language: str | None = None
	reference_doctype: str | None = None
	reference_name: str | None = None
	contact_name: str | None = None
	customer_name: str | None = None
	# the contact was chosen by hand (no other contact of the customer is taken instead)
	chosen: bool = False


def language_of(*candidates: str | None) -> str:
	"""The first supported language among the candidates (contact, customer), else the site's."""
	for lang in (*candidates, frappe.db.get_default("lang"), "en"):
		if lang in LANGUAGES:
			return lang
	return "en"


def recipients_for_customers(customers: list[str], contact: str | None = None) -> list[Recipient]:
	"""Each customer's contact with its e-mail, in one query: the given contact, else the customer's
	primary contact when it has an e-mail address, else its other contact with one (the one marked
	primary first, then the newest), else the primary contact without one; the customer's own e-mail
	address when the contact has none."""
	if not customers:
		return []
	contact = contact or None  # the desk sends an empty field as ""
	rows = frappe.db.sql(
		"""
		select c.name as customer, c.customer_name, c.language,
			ct.name as contact, coalesce(nullif(ct.email_id, ''), nullif(c.email_id, '')) as email,
			trim(concat(coalesce(ct.first_name, ''), ' ', coalesce(ct.last_name, ''))) as contact_name
		from `tabCustomer` c
		left join `tabContact` primary_contact on primary_contact.name = c.customer_primary_contact
		left join `tabContact` ct on ct.name = coalesce(
			%(contact)s,
			if(nullif(primary_contact.email_id, '') is null, null, primary_contact.name),
			(
				select other.name from `tabDynamic Link` link
				join `tabContact` other on other.name = link.parent
				where link.parenttype = 'Contact' and link.link_doctype = 'Customer'
					and link.link_name = c.name and nullif(other.email_id, '') is not null
				order by other.is_primary_contact desc, other.creation desc, other.name
				limit 1
			),
			primary_contact.name
		)
		where c.name in %(customers)s
		""",
		{"customers": tuple(customers), "contact": contact},
		as_dict=True,
	)
	return [
		Recipient(
			customer=r.customer,
			contact=r.contact,
			email=r.email,
			language=language_of(r.language),
			contact_name=r.contact_name or r.customer_name,
			customer_name=r.customer_name,
			chosen=bool(contact),
		)
		for r in rows
	]


def problem(recipient: Recipient) -> dict | None:
	"""Why the survey cannot be e-mailed to this recipient, with the fix; None when it can."""
	if recipient.email:
		return None
	if recipient.contact:
		return {
			"reason": _("Contact {0} of {1} has no e-mail address.").format(
				recipient.contact_name or recipient.contact, recipient.customer_name or recipient.customer
			),
			"fix": readiness.fix(
				_("Add an e-mail address to the contact"), ["Form", "Contact", recipient.contact]
			),
		}
	return {
		"reason": _("{0} has no contact with an e-mail address.").format(
			recipient.customer_name or recipient.customer
		),
		"fix": readiness.fix(_("Add a contact"), None, new_contact_for=recipient.customer),
	}


def send(survey: str, recipients: list[Recipient], keep_refused: bool = False) -> list[int]:
	"""Create an invitation per recipient and queue its e-mail; returns the invitations created.

	A recipient without an e-mail address, or whose e-mail Frappe refuses to queue (no outgoing account),
	gets no invitation; with ``keep_refused`` (the hourly trigger) it gets a *Not Sent* one that says why.
	A recipient whose (survey, reference) already has an invitation is skipped by the unique key."""
	survey_doc = frappe.get_cached_doc("Feedback Survey", survey)
	template = frappe.get_cached_doc("Email Template", survey_doc.email_template or DEFAULT_TEMPLATE)
	created = []
	for recipient in recipients:
		if not recipient.email and not keep_refused:
			continue
		token = tokens.new_token()
		name = _insert(survey_doc, recipient, token)
		if name is None:
			continue
		if recipient.email and not _queue_email(survey_doc, template, recipient, name, token, keep_refused):
			continue
		created.append(name)
	return created


def _insert(survey, recipient: Recipient, token: str) -> int | None:
	"""INSERT IGNORE one invitation: None when the unique key says it exists already."""
	now = now_datetime()
	values = {
		# autoincrement names come from the doctype's sequence, as Frappe's own insert takes them
		"name": frappe.db.get_next_sequence_val("Feedback Invitation"),
		"survey": survey.name,
		"customer": recipient.customer,
		"contact": recipient.contact,
		"email": recipient.email,
		"language": recipient.language or language_of(),
		"status": SENT if recipient.email else NOT_SENT,
		"expires_on": add_days(now, survey.link_valid_days or 14),
		"reference_doctype": recipient.reference_doctype,
		"reference_name": recipient.reference_name,
		"token_hash": tokens.token_hash(token),
		"note": None if recipient.email else _("No e-mail address found; nothing sent"),
		"owner": frappe.session.user,
		"modified_by": frappe.session.user,
		"creation": now,
		"modified": now,
		"docstatus": 0,
		"idx": 0,
	}
	columns = ", ".join(f"`{c}`" for c in COLUMNS)
	placeholders = ", ".join(f"%({c})s" for c in COLUMNS)
	frappe.db.sql(
		f"insert ignore into `tabFeedback Invitation` ({columns}) values ({placeholders})",  # nosemgrep
		values,
	)
	if not frappe.db._cursor.rowcount:
		return None
	return values["name"]


def link(token: str) -> str:
	return get_url(f"{PAGE}?token={token}")


@contextmanager
def language(lang: str | None):
	"""Render in the contact's language (``_()`` in Python and in Jinja follow ``frappe.local.lang``)."""
	previous = frappe.local.lang
	frappe.local.lang = lang or previous
	try:
		yield
	finally:
		frappe.local.lang = previous


def _queue_email(survey, template, recipient: Recipient, name: int, token: str, keep_refused: bool) -> bool:
	"""Queue the invitation's e-mail; False when Frappe refused (no outgoing account): the invitation is
	then deleted, or kept as *Not Sent* with the reason (``keep_refused``)."""
	expires_on = frappe.db.get_value("Feedback Invitation", name, "expires_on")
	context = {
		"survey_title": survey.texts(recipient.language).title,  # in the contact's language when translated
		"contact_name": recipient.contact_name or recipient.customer_name or "",
		"customer_name": recipient.customer_name or "",
		"link": link(token),
		"expires_on": frappe.utils.format_datetime(expires_on, "yyyy-MM-dd HH:mm"),
	}
	with language(recipient.language):
		email = template.get_formatted_email(context)
	try:
		queued = frappe.sendmail(
			recipients=[recipient.email],
			subject=email["subject"],
			message=email["message"],
			reference_doctype="Feedback Invitation",
			reference_name=str(name),
		)
	except frappe.OutgoingEmailError:
		frappe.clear_messages()
		if keep_refused:
			frappe.db.set_value(
				"Feedback Invitation",
				name,
				{"status": NOT_SENT, "note": _("No outgoing e-mail account; nothing sent")},
				update_modified=False,
			)
		else:
			frappe.db.delete("Feedback Invitation", {"name": name})
		return False
	frappe.db.set_value(
		"Feedback Invitation", name, "email_queue", queued.name if queued else None, update_modified=False
	)
	return True


def resend(name: int) -> dict:
	"""Send an invitation again: a new link (the old one stops working) valid for the survey's days from
	now, to the contact's e-mail address as it is now (or the customer's contact with one). The old
	e-mail is taken out of the queue when it has not gone out yet.

	Returns ``{"sent": True, "email": ..., "held": ...}``, or ``{"sent": False, "problems": [...]}`` (each
	a reason and a fix) when the e-mail cannot go out: then the invitation is left as it was. Refused when
	the invitation was answered or its survey is closed."""
	doc = frappe.get_doc("Feedback Invitation", name)
	if doc.used_at or doc.status == ANSWERED:
		frappe.throw(_("This invitation has been answered; it cannot be sent again."))
	survey = frappe.get_doc("Feedback Survey", doc.survey)
	if not survey.active:
		frappe.throw(_("Survey {0} is not active: activate it before sending it.").format(survey.name))
	if not readiness.can_queue_email():
		return {"sent": False, "problems": [readiness.no_outgoing_email()]}
	recipient = _current_recipient(doc)
	if refused := problem(recipient):
		return {"sent": False, "problems": [refused]}
	old_queue = doc.email_queue
	token = tokens.new_token()
	frappe.db.savepoint("crm_plus_resend")
	frappe.db.set_value(
		"Feedback Invitation",
		doc.name,
		{
			"token_hash": tokens.token_hash(token),
			"expires_on": add_days(now_datetime(), survey.link_valid_days or 14),
			"contact": recipient.contact,
			"email": recipient.email,
			"language": recipient.language,
			"status": SENT,
			"note": None,
			"email_queue": None,
		},
	)
	template = frappe.get_cached_doc("Email Template", survey.email_template or DEFAULT_TEMPLATE)
	if not _queue_email(survey, template, recipient, doc.name, token, keep_refused=True):
		frappe.db.rollback(save_point="crm_plus_resend")  # the invitation stays as it was
		return {"sent": False, "problems": [readiness.no_outgoing_email()]}
	_unqueue(old_queue)
	frappe.get_doc("Feedback Invitation", doc.name).add_comment(
		"Info", _("Sent again to {0}").format(recipient.email)
	)
	return {"sent": True, "email": recipient.email, "held": readiness.email_held()}


def _current_recipient(doc) -> Recipient:
	"""Whom a re-sent invitation goes to: its contact when that has an e-mail address now, else the
	address it was sent to, else the customer's contact with one."""
	found = recipients_for_customers([doc.customer], doc.contact) if doc.customer else []
	recipient = found[0] if found else Recipient(customer=doc.customer)
	if not recipient.email and doc.email:
		recipient.email = doc.email
	if not recipient.email and doc.customer:
		recipient = recipients_for_customers([doc.customer])[0]
	recipient.reference_doctype, recipient.reference_name = doc.reference_doctype, doc.reference_name
	return recipient


def _unqueue(email_queue: str | None) -> None:
	"""Take an e-mail that has not gone out yet out of the queue (its link no longer works)."""
	if email_queue and frappe.db.get_value("Email Queue", email_queue, "status") == "Not Sent":
		frappe.db.delete("Email Queue Recipient", {"parent": email_queue})
		frappe.db.delete("Email Queue", {"name": email_queue})


# --- redeeming a link --------------------------------------------------------------------------------

MISSING, INVALID, EXPIRED, USED, INACTIVE, VALID = (
	"missing",
	"invalid",
	"expired",
	"used",
	"inactive",
	"valid",
)


def lookup(token: str | None) -> tuple[str, dict | None]:
	"""(state, invitation) for a token, reading nothing but its own invitation; writes nothing."""
	if not token:
		return MISSING, None
	hashed = tokens.token_hash(token)
	if not hashed:
		return INVALID, None
	row = frappe.db.get_value(
		"Feedback Invitation",
		{"token_hash": hashed},
		["name", "survey", "customer", "contact", "language", "expires_on", "used_at", "token_hash"],
		as_dict=True,
	)
	if not row or not tokens.same(row.token_hash, hashed):
		return INVALID, None
	if row.used_at:
		return USED, row
	if row.expires_on and row.expires_on <= now_datetime():
		return EXPIRED, row
	if not frappe.db.get_value("Feedback Survey", row.survey, "active"):
		return INACTIVE, row
	return VALID, row


def claim(invitation: int) -> bool:
	"""Mark the invitation used, if nobody has and it has not expired; True only for the one that did."""
	frappe.db.sql(
		"""
		update `tabFeedback Invitation`
		set used_at = %(now)s, status = %(answered)s, modified = %(now)s
		where name = %(name)s and used_at is null and expires_on > %(now)s
		""",
		{"now": now_datetime(), "answered": ANSWERED, "name": invitation},
	)
	return frappe.db._cursor.rowcount == 1


def forget_reference(doc, method=None):
	"""A deleted delivery, invoice or issue lets go of its survey invitations (their reference is cleared),
	so ERPNext's deletion is not refused for them, and a new document that gets the same name (Frappe
	reverts a naming series when its last document is deleted) can be surveyed in its own right."""
	invitation = frappe.qb.DocType("Feedback Invitation")
	(
		frappe.qb.update(invitation)
		.set(invitation.reference_doctype, None)
		.set(invitation.reference_name, None)
		.where((invitation.reference_doctype == doc.doctype) & (invitation.reference_name == doc.name))
	).run()
