"""Collections: a Dunning to a customer, naming the overdue invoices it reminds of."""

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce, GroupConcat

from crm_plus.touchpoints.sources.base import Source, const, customer_field, row, standard


def _dunning(t):
	overdue = DocType("Overdue Payment")
	invoices = (
		frappe.qb.from_(overdue)
		.select(GroupConcat(overdue.sales_invoice).distinct())
		.where((overdue.parent == t.name) & (overdue.parenttype == "Dunning"))
	)
	return row(
		frappe.qb.from_(t),
		t.customer,
		const("Dunning"),
		const("System"),
		const("Outbound"),
		const("Dunning"),
		t.name,
		t.company,
		t.posting_date,
		t.currency,
		t.grand_total,
		t.grand_total * Coalesce(t.conversion_rate, 1),
		invoices,
		t.owner,
		*standard(t),
	)


SOURCES = (Source("Dunning", _dunning, customer_field),)
