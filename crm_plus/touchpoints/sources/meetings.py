"""Meetings: a Frappe Event with a customer, or one of its contacts, among its participants is a touchpoint
of that customer once it has begun (a meeting planned for next week is not a contact yet: the nightly
reconciliation records it the night after it starts).

The event's category gives the type and channel (a meeting in person, a call, an e-mail), its subject the
summary, whoever set it up the responsible user. A cancelled event's touchpoint is Cancelled; deleting the
event deletes it (events are numbered by a naming series, which may give the name again).
"""

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Date
from pypika.terms import NullValue

from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED, EVENT_CATEGORIES, event_kind
from crm_plus.touchpoints.sources.base import (
	NOW,
	Reach,
	Source,
	case,
	const,
	row,
	stamp,
	through_contact,
	to_customer,
	zero,
)

DOCTYPE = "Event"
PARTICIPANT_DOCTYPES = ("Customer", "Contact")


def _participants(t, doctype: str):
	participant = DocType("Event Participants").as_(f"{doctype.lower()}_participant")
	query = (
		frappe.qb.from_(t)
		.join(participant)
		.on(
			(participant.parent == t.name)
			& (participant.parenttype == DOCTYPE)
			& (participant.reference_doctype == doctype)
		)
	)
	return query, participant.reference_docname


def _ways(t):
	def way(query, customer):
		return query.select(t.name.as_("name"), customer.as_("customer")).where(t.starts_on <= NOW)

	yield None, way(*to_customer(*_participants(t, "Customer")))
	yield None, way(*through_contact(*_participants(t, "Contact")))


def _touchpoint(t, reached):
	return row(
		frappe.qb.from_(t).join(reached).on(reached.name == t.name),
		reached.customer,
		case(t.event_category, {c: kind[0] for c, kind in EVENT_CATEGORIES.items()}).else_(
			event_kind(None)[0]
		),
		case(t.event_category, {c: kind[1] for c, kind in EVENT_CATEGORIES.items()}).else_(
			event_kind(None)[1]
		),
		const("Outbound"),
		const(DOCTYPE),
		t.name,
		NullValue(),
		Date(t.starts_on),
		NullValue(),
		*zero(),
		t.subject,
		t.owner,
		*stamp(Case().when(t.status == "Cancelled", CANCELLED).else_(ACTIVE)),
	)


def _build(t):
	return Reach(tuple(_ways(t)), lambda reached: _touchpoint(t, reached))


def _concerns(doc) -> bool:
	return any(p.reference_doctype in PARTICIPANT_DOCTYPES for p in doc.get("event_participants") or [])


SOURCES = (Source(DOCTYPE, _build, saved=True, synced=("posting_date", "status"), concerns=_concerns),)
