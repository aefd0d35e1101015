"""Selling: a Quotation to a customer, a Sales Order and a Delivery Note, each at its grand total."""

import frappe

from crm_plus.touchpoints.sources.base import Source, const, customer_field, row, standard


def _quotation(t):
	return row(
		frappe.qb.from_(t),
		t.party_name,
		const("Quotation"),
		const("System"),
		const("Outbound"),
		const("Quotation"),
		t.name,
		t.company,
		t.transaction_date,
		t.currency,
		t.grand_total,
		t.base_grand_total,
		# the customer's name, as ERPNext v15 titles a Quotation by default (v16 has no title column)
		t.customer_name,
		t.owner,
		*standard(t),
	).where(t.quotation_to == "Customer")


def selling_document(touchpoint_type, date_field: str, summary_field: str):
	"""Sales Order, Delivery Note, Sales Invoice: the customer's document at its grand total.
	``touchpoint_type`` is the type, or a function of the table giving it as a SQL term."""

	def build(t):
		return row(
			frappe.qb.from_(t),
			t.customer,
			touchpoint_type(t) if callable(touchpoint_type) else const(touchpoint_type),
			const("System"),
			const("Outbound"),
			const(t._table_name.removeprefix("tab")),
			t.name,
			t.company,
			t[date_field],
			t.currency,
			t.grand_total,
			t.base_grand_total,
			t[summary_field],
			t.owner,
			*standard(t),
		)

	return build


def _quotation_customers(doc) -> list[str]:
	return [doc.party_name] if doc.quotation_to == "Customer" and doc.party_name else []


SOURCES = (
	Source("Quotation", _quotation, _quotation_customers),
	Source("Sales Order", selling_document("Sales Order", "transaction_date", "po_no"), customer_field),
	Source("Delivery Note", selling_document("Delivery", "posting_date", "return_against"), customer_field),
)
