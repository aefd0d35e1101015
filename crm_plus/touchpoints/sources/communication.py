"""Contacts: e-mails sent and received, and the calls, chats, meetings and visits recorded as Communications.

A Communication is a touchpoint of every customer it reaches, by any of these ways (one SELECT each, their
rows united, so a customer reached two ways has one touchpoint):

- it is about the customer (its reference), or about one of the customer's documents (``CUSTOMER_DOCUMENTS``:
  an e-mail sent from a Quotation or a Sales Invoice, a Payment Request, an Issue's reply);
- it is linked to the customer on its timeline (Frappe links an e-mail to the customers of the contacts
  whose addresses it was sent from or to), or to one of the customer's contacts (also when the contact was
  linked to the customer after the e-mail), or it is about such a contact.

Which Communications count is decided in ``kinds.py`` (``communication_counts``; README: *Decisions*). The
touchpoint keeps the subject, the channel, the direction (sent: Outbound, received: Inbound), the sender as
the responsible user and the Communication as its reference, never the body. The same e-mail again (the
same Message-ID, or sent again about the same document with the same subject, recipients and content
within ``REPEAT_HOURS``) makes no second touchpoint. An e-mail that bounced or was put away as spam keeps a
Cancelled touchpoint; deleting the Communication cancels it (its name is a hash, never given again).
"""

import frappe
from frappe.query_builder import Case, DocType, Interval
from frappe.query_builder.functions import Coalesce, Date
from pypika.terms import ExistsCriterion, NullValue

from crm_plus.touchpoints.kinds import (
	ACTIVE,
	CANCELLED,
	COMMUNICATION_MEDIUMS,
	CONTACT_COMMUNICATION_TYPE,
	CUSTOMER_DOCUMENTS,
	DISCARDED,
	NOT_CONTACT_REFERENCES,
	REPEAT_HOURS,
	UNDELIVERED,
	communication_counts,
	communication_direction,
)
from crm_plus.touchpoints.sources.base import (
	Reach,
	Source,
	case,
	const,
	linked,
	row,
	stamp,
	through_contact,
	to_customer,
	zero,
)

DOCTYPE = "Communication"


def _touchpoint(c, reached):
	"""The touchpoint rows of Communications ``c``, one per customer ``reached`` finds for it."""
	return row(
		frappe.qb.from_(c).join(reached).on(reached.name == c.name),
		reached.customer,
		case(c.communication_medium, {medium: kind[0] for medium, kind in COMMUNICATION_MEDIUMS.items()}),
		case(c.communication_medium, {medium: kind[1] for medium, kind in COMMUNICATION_MEDIUMS.items()}),
		Case()
		.when(c.sent_or_received == "Received", communication_direction("Received"))
		.else_(communication_direction("Sent")),
		const(DOCTYPE),
		c.name,
		NullValue(),
		Date(Coalesce(c.communication_date, c.creation)),
		NullValue(),
		*zero(),
		c.subject,
		# the sender: Frappe keeps the user who sent it (received e-mails have no responsible user yet)
		Case().when(c.sent_or_received == "Received", NullValue()).else_(c.user),
		*stamp(
			Case()
			.when(c.delivery_status.isin(list(UNDELIVERED)) | c.email_status.isin(list(DISCARDED)), CANCELLED)
			.else_(ACTIVE)
		),
	).where(~ExistsCriterion(_same_message(c)) & ~ExistsCriterion(_sent_again(c)))


def _counted(c):
	"""Communications that may be contacts (``kinds.communication_counts``), as SQL."""
	return (
		(c.communication_type == CONTACT_COMMUNICATION_TYPE)
		& c.communication_medium.isin(list(COMMUNICATION_MEDIUMS))
		& Coalesce(c.reference_doctype, "").notin(list(NOT_CONTACT_REFERENCES))
	)


def _earlier(c):
	"""Another counted Communication made before ``c`` (by creation, then name)."""
	earlier = DocType(DOCTYPE).as_("earlier")
	first = (earlier.creation < c.creation) | ((earlier.creation == c.creation) & (earlier.name < c.name))
	return earlier, (earlier.communication_type == CONTACT_COMMUNICATION_TYPE) & first


def _same_message(c):
	"""The same e-mail (same Message-ID) recorded before: received twice, or our own e-mail coming back.
	Read through Frappe's index on message_id."""
	earlier, before = _earlier(c)
	return frappe.qb.from_(earlier).select(earlier.name).where(before & (earlier.message_id == c.message_id))


def _sent_again(c):
	"""The same e-mail sent (or received) before about the same document within ``REPEAT_HOURS``: same
	direction, medium, subject, recipients and content. Read through Frappe's index on (reference_doctype,
	reference_name, communication_date)."""
	earlier, before = _earlier(c)
	return (
		frappe.qb.from_(earlier)
		.select(earlier.name)
		.where(
			before
			& (earlier.reference_doctype == c.reference_doctype)
			& (earlier.reference_name == c.reference_name)
			& (earlier.communication_date >= c.communication_date - Interval(hours=REPEAT_HOURS))
			& (earlier.communication_date <= c.communication_date)
			& (earlier.sent_or_received == c.sent_or_received)
			& (earlier.communication_medium == c.communication_medium)
			& (Coalesce(earlier.subject, "") == Coalesce(c.subject, ""))
			& (Coalesce(earlier.recipients, "") == Coalesce(c.recipients, ""))
			& (Coalesce(earlier.content, "") == Coalesce(c.content, ""))
		)
	)


def _ways(c):
	"""(reference, SELECT of name and customer) of each way a Communication reaches a customer."""

	def way(query, customer):
		return query.select(c.name.as_("name"), customer.as_("customer")).where(_counted(c))

	# about the customer itself
	query, customer = to_customer(frappe.qb.from_(c), c.reference_name)
	yield "Customer", way(query, customer).where(c.reference_doctype == "Customer")
	# linked to the customer on its timeline
	query, name = linked(frappe.qb.from_(c), c, "Communication Link", "Customer", "customer_link")
	yield None, way(*to_customer(query, name))
	# linked to one of the customer's contacts
	query, contact = linked(frappe.qb.from_(c), c, "Communication Link", "Contact", "contact_link")
	yield None, way(*through_contact(query, contact))
	# about one of the customer's contacts
	query, customer = through_contact(frappe.qb.from_(c), c.reference_name)
	yield "Contact", way(query, customer).where(c.reference_doctype == "Contact")
	# about one of the customer's documents
	for doctype, (field, condition) in CUSTOMER_DOCUMENTS.items():
		if not frappe.db.table_exists(doctype):
			continue
		document = DocType(doctype).as_("document")
		on = (c.reference_doctype == doctype) & (document.name == c.reference_name)
		if condition:
			on &= document[condition[0]] == condition[1]
		yield (
			doctype,
			way(frappe.qb.from_(c).join(document).on(on), document[field]).where(document[field].isnotnull()),
		)


def _build(c):
	return Reach(tuple(_ways(c)), lambda reached: _touchpoint(c, reached))


def _concerns(doc) -> bool:
	links = [link.link_doctype for link in doc.get("timeline_links") or []]
	return communication_counts(
		doc.communication_type, doc.communication_medium, doc.reference_doctype, links
	)


def _touches(doc) -> list[tuple[str, str]]:
	"""A reply on an Issue sets the issue's first response (Frappe's raw update, no event of the Issue)."""
	if doc.reference_doctype == "Issue" and doc.reference_name:
		return [("Issue", doc.reference_name)]
	return []


SOURCES = (
	Source(
		DOCTYPE,
		_build,
		saved=True,
		on_delete="cancel",
		synced=("posting_date", "status"),
		concerns=_concerns,
		touches=_touches,
		narrowing=lambda doc: {"reference": doc.reference_doctype or ""},
	),
)
