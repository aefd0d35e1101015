"""Telephony: an ERPNext Call Log that took place (Completed) is a Call touchpoint of every customer it
reaches: its Customer field, a customer in its links, or a customer of a contact in its links (ERPNext links
a call to the contact whose number called or was called).

Direction from the call (Incoming: Inbound, Outgoing: Outbound), the agent (``employee_user_id``) as the
responsible user, the call's length as its duration, its summary as the touchpoint's. A call that did not
take place (ringing, missed, busy, failed, cancelled) is no contact: a touchpoint written once it completed
is cancelled if its status changes back. The call's name is the provider's call id: deleting the log cancels
its touchpoint.
"""

import frappe
from frappe.query_builder.functions import Coalesce, Date
from pypika.terms import NullValue

from crm_plus.touchpoints.kinds import ACTIVE, CALL_DIRECTIONS, CALL_TOOK_PLACE, call_direction
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

DOCTYPE = "Call Log"


def _ways(t):
	def way(query, customer):
		return query.select(t.name.as_("name"), customer.as_("customer")).where(t.status == CALL_TOOK_PLACE)

	yield None, way(*to_customer(frappe.qb.from_(t), t.customer))
	query, name = linked(frappe.qb.from_(t), t, "Dynamic Link", "Customer", "customer_link")
	yield None, way(*to_customer(query, name))
	query, contact = linked(frappe.qb.from_(t), t, "Dynamic Link", "Contact", "contact_link")
	yield None, way(*through_contact(query, contact))


def _touchpoint(t, reached):
	return row(
		frappe.qb.from_(t).join(reached).on(reached.name == t.name),
		reached.customer,
		const("Call"),
		const("Phone"),
		case(t.type, CALL_DIRECTIONS).else_(call_direction(None)),
		const(DOCTYPE),
		t.name,
		NullValue(),
		Date(Coalesce(t.start_time, t.creation)),
		NullValue(),
		*zero(),
		t.summary,
		t.employee_user_id,
		*stamp(const(ACTIVE)),
		duration=t.duration,
	)


def _build(t):
	return Reach(tuple(_ways(t)), lambda reached: _touchpoint(t, reached))


def _concerns(doc) -> bool:
	return doc.status == CALL_TOOK_PLACE


SOURCES = (
	Source(
		DOCTYPE,
		_build,
		saved=True,
		on_delete="cancel",
		synced=("posting_date", "status", "duration"),
		concerns=_concerns,
	),
)
