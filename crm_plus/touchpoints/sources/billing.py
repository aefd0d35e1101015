"""Billing: a Sales Invoice (its return a Credit Note), and the invoice that became overdue.

ERPNext flips invoices to Overdue with a raw UPDATE in its daily job (no document event), so the
"became overdue" touchpoints are not a ``Source`` with a live hook: crm_plus's own daily job and the backfill
write them from ``overdue_invoices``, the unique key making each one written once.
"""

import frappe
from frappe.query_builder import Case, DocType
from pypika.terms import LiteralValue, NullValue

from crm_plus.touchpoints.kinds import base_outstanding_sql, invoice_type
from crm_plus.touchpoints.sources.base import Source, const, customer_field, in_range, row, standard
from crm_plus.touchpoints.sources.selling import selling_document

_sales_invoice = selling_document(
	lambda t: Case().when(t.is_return == 1, invoice_type(1)).else_(invoice_type(0)),
	"posting_date",
	"return_against",
)

SOURCES = (Source("Sales Invoice", _sales_invoice, customer_field),)


def overdue_invoices(as_of, start: str | None = None, end: str | None = None):
	"""Invoices that are unpaid past their due date: the 'invoice became overdue' touchpoints.

	Narrowed to the names in [start, end) when given (a chunk of a bulk job).
	"""
	si = DocType("Sales Invoice")
	return row(
		frappe.qb.from_(si),
		si.customer,
		const("Overdue"),
		const("System"),
		const("Inbound"),
		const("Sales Invoice"),
		si.name,
		si.company,
		si.due_date,
		si.party_account_currency,
		si.outstanding_amount,
		LiteralValue(base_outstanding_sql("`tabSales Invoice`")),
		NullValue(),
		si.owner,
		*standard(si),
	).where(_overdue(si, as_of) & in_range(si, start, end))


def _overdue(si, as_of):
	return (si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0) & (si.due_date < as_of)
