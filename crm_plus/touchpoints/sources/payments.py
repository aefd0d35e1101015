"""Payments: a Payment Entry received from a customer (Payment) or paid back to one (Refund), naming every
invoice it settles."""

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import GroupConcat

from crm_plus.touchpoints.kinds import PAYMENT_TYPES, payment_direction, payment_type
from crm_plus.touchpoints.sources.base import Source, case, const, row, standard


def _payment_entry(t):
	ref = DocType("Payment Entry Reference")
	paid_against = (
		frappe.qb.from_(ref)
		.select(GroupConcat(ref.reference_name).distinct())
		.where((ref.parent == t.name) & (ref.parenttype == "Payment Entry"))
	)
	receive = t.payment_type == "Receive"
	return row(
		frappe.qb.from_(t),
		t.party,
		case(t.payment_type, {kind: payment_type(kind) for kind in PAYMENT_TYPES}),
		const("System"),
		case(t.payment_type, {kind: payment_direction(kind) for kind in PAYMENT_TYPES}),
		const("Payment Entry"),
		t.name,
		t.company,
		t.posting_date,
		Case().when(receive, t.paid_from_account_currency).else_(t.paid_to_account_currency),
		Case().when(receive, t.paid_amount).else_(t.received_amount),
		Case().when(receive, t.base_paid_amount).else_(t.base_received_amount),
		paid_against,
		t.owner,
		*standard(t),
	).where((t.party_type == "Customer") & t.payment_type.isin(list(PAYMENT_TYPES)))


def _payment_customers(doc) -> list[str]:
	if doc.party_type == "Customer" and payment_type(doc.payment_type) and doc.party:
		return [doc.party]
	return []


SOURCES = (Source("Payment Entry", _payment_entry, _payment_customers),)
