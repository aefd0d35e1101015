"""Survey invitations: a signed, expiring, single-use link sent to a contact through the e-mail queue.

The link carries a random token; the Feedback Invitation stores only its SHA-256 hash, its expiry and
``used_at``. Redeeming it is one conditional ``UPDATE ... WHERE used_at IS NULL AND expires_on > now``:
whichever request changes the row first wins, any other (a double click, a replay, a second tab) changes
nothing and is refused, whatever the timing.

An invitation made for a document (a delivery, an invoice, an issue, a lifecycle alert) is unique per
(survey, reference doctype, reference name) in the database, so a job that runs twice, or two at once,
never sends twice for the same document.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import add_days, get_url, now_datetime

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


def language_of(*candidates: str | None) -> str:
	"""The first supported language among the candidates (contact, customer), else the site's."""
	for lang in (*candidates, frappe.db.get_default("lang"), "en"):
		if lang in LANGUAGES:
			return lang
	return "en"


def recipients_for_customers(customers: list[str], contact: str | None = None) -> list[Recipient]:
	"""Each customer's contact (the given one, else the primary contact) with its e-mail, in one query."""
	if not customers:
		return []
	rows = frappe.db.sql(
		"""
		select c.name as customer, c.customer_name, c.language,
			ct.name as contact, coalesce(nullif(ct.email_id, ''), c.email_id) as email,
			trim(concat(coalesce(ct.first_name, ''), ' ', coalesce(ct.last_name, ''))) as contact_name
		from `tabCustomer` c
		left join `tabContact` ct on ct.name = coalesce(%(contact)s, c.customer_primary_contact)
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
		)
		for r in rows
	]


def send(survey: str, recipients: list[Recipient]) -> list[int]:
	"""Create an invitation per recipient and queue its e-mail; returns the invitations created.

	A recipient whose (survey, reference) already has an invitation is skipped by the unique key."""
	survey_doc = frappe.get_cached_doc("Feedback Survey", survey)
	template = frappe.get_cached_doc("Email Template", survey_doc.email_template or DEFAULT_TEMPLATE)
	created = []
	for recipient in recipients:
		token = tokens.new_token()
		name = _insert(survey_doc, recipient, token)
		if name is None:
			continue
		created.append(name)
		if recipient.email:
			_queue_email(survey_doc, template, recipient, name, token)
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


def _queue_email(survey, template, recipient: Recipient, name: int, token: str) -> None:
	expires_on = frappe.db.get_value("Feedback Invitation", name, "expires_on")
	context = {
		"survey_title": survey.title,
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
		frappe.db.set_value(
			"Feedback Invitation",
			name,
			{"status": NOT_SENT, "note": _("No outgoing e-mail account; nothing sent")},
			update_modified=False,
		)
		return
	frappe.db.set_value(
		"Feedback Invitation", name, "email_queue", queued.name if queued else None, update_modified=False
	)


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
