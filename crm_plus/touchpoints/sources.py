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
from frappe.query_builder.functions import Coalesce, Count, GroupConcat, Max, Now, Sum
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
)


def _const(value):
	return ConstantColumn(value)


def _row(query, *terms):
	"""SELECT the terms as the touchpoint COLUMNS (aliased, so the select reads as the row it writes)."""
	assert len(terms) == len(COLUMNS)
	return query.select(*(term.as_(column) for term, column in zip(terms, COLUMNS, strict=True)))


def _standard(t):
	"""status (Cancelled for a cancelled source), owner, modified_by, creation, modified."""
	return [
		Case().when(t.docstatus == 2, CANCELLED).else_(ACTIVE),
		_const("Administrator"),
		_const("Administrator"),
		Now(),
		Now(),
	]


@dataclass(frozen=True)
class Source:
	doctype: str
	build: Callable  # (table) -> SELECT yielding COLUMNS, filtered to the touchpoint-worthy documents
	# (doc) -> the customers a document's touchpoints are for; empty when it concerns no customer
	customers: Callable
	# (after, upto) -> an upper bound of the rows a name range yields, for sources with more than one
	# row per document; others yield at most one row per document
	rows_bound: Callable | None = None

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

	def insert(self, reserve: int | None = None, **narrow) -> int:
		"""Write the touchpoints of the selected documents; return how many rows were new."""
		return insert_select(self.select(**narrow), reserve)

	def insert_range(self, after: str, upto: str, documents: int) -> int:
		"""Bulk-write the touchpoints of a name range holding ``documents`` submitted/cancelled documents."""
		bound = self.rows_bound(after, upto) if self.rows_bound else documents
		return self.insert(reserve=bound, after=after, upto=upto) if bound else 0


def _quotation(t):
	return _row(
		frappe.qb.from_(t),
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
	).where(t.quotation_to == "Customer")


def _selling_document(touchpoint_type, date_field: str, summary_field: str):
	"""Sales Order, Delivery Note, Sales Invoice: the customer's document at its grand total."""

	def build(t):
		return _row(
			frappe.qb.from_(t),
			t.customer,
			touchpoint_type(t) if callable(touchpoint_type) else _const(touchpoint_type),
			_const("System"),
			_const("Outbound"),
			_const(t._table_name.removeprefix("tab")),
			t.name,
			t.company,
			t[date_field],
			t.currency,
			t.grand_total,
			t.base_grand_total,
			t[summary_field],
			t.owner,
			*_standard(t),
		)

	return build


_sales_order = _selling_document("Sales Order", "transaction_date", "po_no")
_delivery_note = _selling_document("Delivery", "posting_date", "return_against")
_sales_invoice = _selling_document(
	lambda t: Case().when(t.is_return == 1, "Credit Note").else_("Invoice"), "posting_date", "return_against"
)


def _payment_entry(t):
	ref = DocType("Payment Entry Reference")
	paid_against = (
		frappe.qb.from_(ref)
		.select(GroupConcat(ref.reference_name).distinct())
		.where((ref.parent == t.name) & (ref.parenttype == "Payment Entry"))
	)
	receive = t.payment_type == "Receive"
	return _row(
		frappe.qb.from_(t),
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
	).where((t.party_type == "Customer") & t.payment_type.isin(["Receive", "Pay"]))


def _journal_entry(t):
	"""One touchpoint per customer whose Sales Invoices the entry settles (credit = collection)."""
	row = DocType("Journal Entry Account")
	net = Sum(row.credit - row.debit)
	return (
		_row(
			frappe.qb.from_(t).join(row).on((row.parent == t.name) & (row.parenttype == "Journal Entry")),
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


def _journal_entry_rows(after: str, upto: str) -> int:
	"""At most one touchpoint per customer row of the entries in the range."""
	row = DocType("Journal Entry Account")
	return (
		frappe.qb.from_(row)
		.select(Count("*"))
		.where(
			(row.parenttype == "Journal Entry")
			& (row.parent > after)
			& (row.parent <= upto)
			& (row.party_type == "Customer")
			& (row.reference_type == "Sales Invoice")
		)
	).run()[0][0]


def _dunning(t):
	overdue = DocType("Overdue Payment")
	invoices = (
		frappe.qb.from_(overdue)
		.select(GroupConcat(overdue.sales_invoice).distinct())
		.where((overdue.parent == t.name) & (overdue.parenttype == "Dunning"))
	)
	return _row(
		frappe.qb.from_(t),
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


def _customer_field(doc) -> list[str]:
	return [doc.customer] if doc.get("customer") else []


def _quotation_customers(doc) -> list[str]:
	return [doc.party_name] if doc.quotation_to == "Customer" and doc.party_name else []


def _payment_customers(doc) -> list[str]:
	if doc.party_type == "Customer" and doc.payment_type in ("Receive", "Pay") and doc.party:
		return [doc.party]
	return []


def _journal_entry_customers(doc) -> list[str]:
	return sorted(
		{
			row.party
			for row in doc.get("accounts") or []
			if row.party_type == "Customer" and row.reference_type == "Sales Invoice" and row.party
		}
	)


SOURCES: dict[str, Source] = {
	s.doctype: s
	for s in (
		Source("Quotation", _quotation, _quotation_customers),
		Source("Sales Order", _sales_order, _customer_field),
		Source("Delivery Note", _delivery_note, _customer_field),
		Source("Sales Invoice", _sales_invoice, _customer_field),
		Source("Payment Entry", _payment_entry, _payment_customers),
		Source("Journal Entry", _journal_entry, _journal_entry_customers, _journal_entry_rows),
		Source("Dunning", _dunning, _customer_field),
	)
}


def get_source(doctype: str) -> Source | None:
	"""The touchpoint source for an ERPNext doctype (None for doctypes that are not touchpoints)."""
	return SOURCES.get(doctype)


def overdue_invoices(as_of):
	"""Invoices that are unpaid past their due date: the 'invoice became overdue' touchpoints.

	ERPNext flips invoices to Overdue with a raw UPDATE in its daily job (no document event), so
	crm_plus's own daily job writes these rows; the unique key makes it write each one once.
	"""
	si = DocType("Sales Invoice")
	return _row(
		frappe.qb.from_(si),
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
	).where(_overdue(si, as_of))


def _overdue(si, as_of):
	return (si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0) & (si.due_date < as_of)


def overdue_count(as_of) -> int:
	"""How many invoices are overdue on ``as_of`` (the row bound of ``overdue_invoices``)."""
	si = DocType("Sales Invoice")
	return frappe.qb.from_(si).select(Count("*")).where(_overdue(si, as_of)).run()[0][0]


SEQUENCE = "customer_touchpoint_id_seq"  # Frappe v15 names autoincrement doctypes from this sequence


def insert_select(select, reserve: int | None = None) -> int:
	"""Insert the rows of a touchpoint SELECT, skipping those that exist; return how many were new.

	Names come from the doctype's sequence: one ``nextval`` per row, or, for bulk writes that know an
	upper bound of their row count (``reserve``), a block reserved up front and numbered with
	ROW_NUMBER(), which saves a sequence write per row. Only a duplicate of the unique source key is
	skipped; any other error still raises.
	"""
	if reserve:
		first = frappe.db.get_next_sequence_val("Customer Touchpoint")
		frappe.db.sql(f"select setval(`{SEQUENCE}`, %s)", first + reserve)  # nosemgrep
		name = f"{int(first)} + row_number() over ()"
	else:
		name = f"nextval(`{SEQUENCE}`)"
	sql, params = select.select(PseudoColumn(name)).walk()
	columns = ", ".join(f"`{c}`" for c in COLUMNS)
	frappe.db.sql(
		f"""insert into `tabCustomer Touchpoint` ({columns}, `name`) {sql}
		on duplicate key update `tabCustomer Touchpoint`.`idx` = `tabCustomer Touchpoint`.`idx`""",  # nosemgrep
		params,
	)
	return frappe.db._cursor.rowcount
