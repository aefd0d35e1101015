"""How each ERPNext document becomes touchpoint rows, written once as set-based SQL.

Every source is a ``frappe.qb`` SELECT that yields rows in ``COLUMNS`` order. The live doc event, the
backfill and the reconciliation all run the *same* select (narrowed to one document, to a chunk, or to
the documents that have no touchpoint yet), so history and live hooks always produce identical records.
Rows are written with ``INSERT ... ON DUPLICATE KEY UPDATE`` (a no-op) against the unique key (reference_doctype, reference_name,
touchpoint_type, customer): a handler called twice, or a job run twice, cannot write a second touchpoint.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.custom import ConstantColumn
from frappe.query_builder.functions import Coalesce, GroupConcat, Max, Now, Sum
from pypika.terms import NullValue, PseudoColumn

from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED

COLUMNS = (
	"customer",
	"touchpoint_type",
	"channel",
	"direction",
	"reference_doctype",
	"reference_name",
	"company",
	"posting_date",
	"currency",
	"amount",
	"base_amount",
	"summary",
	"user",
	"status",
	"owner",
	"modified_by",
	"creation",
	"modified",
	"name",
)


def _const(value):
	return ConstantColumn(value)


# Customer Touchpoint is named by autoincrement, which Frappe v15 backs with this MariaDB sequence
NEXT_NAME = PseudoColumn("nextval(`customer_touchpoint_id_seq`)")


def _standard(t):
	"""status (Cancelled for a cancelled source), owner, modified_by, creation, modified, name."""
	return [
		Case().when(t.docstatus == 2, CANCELLED).else_(ACTIVE),
		_const("Administrator"),
		_const("Administrator"),
		Now(),
		Now(),
		NEXT_NAME,
	]


@dataclass(frozen=True)
class Source:
	doctype: str
	build: Callable  # (table) -> SELECT yielding COLUMNS, filtered to the touchpoint-worthy documents

	@property
	def table(self):
		return DocType(self.doctype)

	def select(
		self,
		names: Iterable[str] | None = None,
		missing_only: bool = False,
		after: str | None = None,
		upto: str | None = None,
	):
		"""Touchpoint rows of submitted (and cancelled: their touchpoint is Cancelled) documents, optionally
		narrowed to names, a name range, or those that have no touchpoint yet."""
		TP = frappe.qb.DocType("Customer Touchpoint")
		t = self.table
		q = self.build(t).where(t.docstatus.isin([1, 2]))
		if names is not None:
			q = q.where(t.name.isin(list(names)))
		if after is not None:
			q = q.where(t.name > after)
		if upto is not None:
			q = q.where(t.name <= upto)
		if missing_only:
			have = frappe.qb.from_(TP).select(TP.reference_name).where(TP.reference_doctype == self.doctype)
			q = q.where(t.name.notin(have))
		return q

	def insert(self, **narrow) -> int:
		"""Write the touchpoints of the selected documents; return how many rows were new."""
		return insert_select(self.select(**narrow))


def _quotation(t):
	return (
		frappe.qb.from_(t)
		.select(
			t.party_name,
			_const("Quotation"),
			_const("System"),
			_const("Outbound"),
			_const("Quotation"),
			t.name,
			t.company,
			t.transaction_date,
			t.currency,
			t.grand_total,
			t.base_grand_total,
			t.title,
			t.owner,
			*_standard(t),
		)
		.where(t.quotation_to == "Customer")
	)


def _sales_order(t):
	return frappe.qb.from_(t).select(
		t.customer,
		_const("Sales Order"),
		_const("System"),
		_const("Outbound"),
		_const("Sales Order"),
		t.name,
		t.company,
		t.transaction_date,
		t.currency,
		t.grand_total,
		t.base_grand_total,
		t.po_no,
		t.owner,
		*_standard(t),
	)


def _delivery_note(t):
	return frappe.qb.from_(t).select(
		t.customer,
		_const("Delivery"),
		_const("System"),
		_const("Outbound"),
		_const("Delivery Note"),
		t.name,
		t.company,
		t.posting_date,
		t.currency,
		t.grand_total,
		t.base_grand_total,
		t.return_against,
		t.owner,
		*_standard(t),
	)


def _sales_invoice(t):
	return frappe.qb.from_(t).select(
		t.customer,
		Case().when(t.is_return == 1, "Credit Note").else_("Invoice"),
		_const("System"),
		_const("Outbound"),
		_const("Sales Invoice"),
		t.name,
		t.company,
		t.posting_date,
		t.currency,
		t.grand_total,
		t.base_grand_total,
		t.return_against,
		t.owner,
		*_standard(t),
	)


def _payment_entry(t):
	ref = DocType("Payment Entry Reference")
	paid_against = (
		frappe.qb.from_(ref)
		.select(GroupConcat(ref.reference_name).distinct())
		.where((ref.parent == t.name) & (ref.parenttype == "Payment Entry"))
	)
	receive = t.payment_type == "Receive"
	return (
		frappe.qb.from_(t)
		.select(
			t.party,
			Case().when(receive, "Payment").else_("Refund"),
			_const("System"),
			Case().when(receive, "Inbound").else_("Outbound"),
			_const("Payment Entry"),
			t.name,
			t.company,
			t.posting_date,
			Case().when(receive, t.paid_from_account_currency).else_(t.paid_to_account_currency),
			Case().when(receive, t.paid_amount).else_(t.received_amount),
			Case().when(receive, t.base_paid_amount).else_(t.base_received_amount),
			paid_against,
			t.owner,
			*_standard(t),
		)
		.where((t.party_type == "Customer") & t.payment_type.isin(["Receive", "Pay"]))
	)


def _journal_entry(t):
	"""One touchpoint per customer whose Sales Invoices the entry settles (credit = collection)."""
	row = DocType("Journal Entry Account")
	net = Sum(row.credit - row.debit)
	return (
		frappe.qb.from_(t)
		.join(row)
		.on((row.parent == t.name) & (row.parenttype == "Journal Entry"))
		.select(
			row.party,
			Case().when(net < 0, "Refund").else_("Payment"),
			_const("System"),
			Case().when(net < 0, "Outbound").else_("Inbound"),
			_const("Journal Entry"),
			t.name,
			t.company,
			t.posting_date,
			Max(row.account_currency),
			Sum(row.credit_in_account_currency - row.debit_in_account_currency),
			net,
			GroupConcat(row.reference_name).distinct(),
			t.owner,
			*_standard(t),
		)
		.where((row.party_type == "Customer") & (row.reference_type == "Sales Invoice"))
		.groupby(t.name, row.party)
	)


def _dunning(t):
	overdue = DocType("Overdue Payment")
	invoices = (
		frappe.qb.from_(overdue)
		.select(GroupConcat(overdue.sales_invoice).distinct())
		.where((overdue.parent == t.name) & (overdue.parenttype == "Dunning"))
	)
	return frappe.qb.from_(t).select(
		t.customer,
		_const("Dunning"),
		_const("System"),
		_const("Outbound"),
		_const("Dunning"),
		t.name,
		t.company,
		t.posting_date,
		t.currency,
		t.grand_total,
		t.grand_total * Coalesce(t.conversion_rate, 1),
		invoices,
		t.owner,
		*_standard(t),
	)


SOURCES: dict[str, Source] = {
	s.doctype: s
	for s in (
		Source("Quotation", _quotation),
		Source("Sales Order", _sales_order),
		Source("Delivery Note", _delivery_note),
		Source("Sales Invoice", _sales_invoice),
		Source("Payment Entry", _payment_entry),
		Source("Journal Entry", _journal_entry),
		Source("Dunning", _dunning),
	)
}


def get_source(doctype: str) -> Source | None:
	return SOURCES.get(doctype)


def overdue_invoices(as_of):
	"""Invoices that are unpaid past their due date: the 'invoice became overdue' touchpoints.

	ERPNext flips invoices to Overdue with a raw UPDATE in its daily job (no document event), so
	crm_plus's own daily job writes these rows; the unique key makes it write each one once.
	"""
	si = DocType("Sales Invoice")
	return (
		frappe.qb.from_(si)
		.select(
			si.customer,
			_const("Overdue"),
			_const("System"),
			_const("Inbound"),
			_const("Sales Invoice"),
			si.name,
			si.company,
			si.due_date,
			si.party_account_currency,
			si.outstanding_amount,
			Case()
			.when(si.party_account_currency == si.currency, si.outstanding_amount * si.conversion_rate)
			.else_(si.outstanding_amount),
			NullValue(),
			si.owner,
			*_standard(si),
		)
		.where(
			(si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0) & (si.due_date < as_of)
		)
	)


def insert_select(select) -> int:
	"""Insert the rows of a touchpoint SELECT, skipping those that exist; return how many were new."""
	sql, params = select.walk()
	columns = ", ".join(f"`{c}`" for c in COLUMNS)
	# only a duplicate (the unique source key) is skipped; any other error still raises
	frappe.db.sql(
		f"insert into `tabCustomer Touchpoint` ({columns}) {sql} on duplicate key update `tabCustomer Touchpoint`.`idx` = `tabCustomer Touchpoint`.`idx`",  # nosemgrep
		params,
	)
	return frappe.db._cursor.rowcount
