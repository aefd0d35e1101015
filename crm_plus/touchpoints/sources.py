"""How each ERPNext document becomes touchpoint rows, written once as set-based SQL.

Every source is a ``frappe.qb`` SELECT that yields rows in ``COLUMNS`` order. The live doc event, the
backfill and the reconciliation all run the *same* select (narrowed to one document, to a chunk, or to
the documents that have no touchpoint yet), so history and live hooks always produce identical records.
The kinds (Invoice or Credit Note, Payment or Refund) are decided by the functions of ``kinds.py``, turned
into SQL CASEs here, so the unit-tested rules are the ones production runs.

The unique key (reference_doctype, reference_name, touchpoint_type, customer) makes a second touchpoint
for the same event impossible: a handler called twice, or a job run twice, writes nothing twice. Rows are
read with plain SELECTs and written with ``insert_rows``: by live events in the document's transaction,
by bulk jobs a chunk at a time (see ``chunks.py``), so a job never locks what billing writes.

A document ERPNext still lets users change after its submit (Update Items) moves its touchpoint's
values (``SYNCED``): ``stale`` compares the stored touchpoints with the same select and
``correct`` rewrites those that differ, from the live event and from the daily reconciliation.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.custom import ConstantColumn
from frappe.query_builder.functions import Coalesce, GroupConcat, Max, Now, Sum
from frappe.utils import now_datetime
from pypika.terms import LiteralValue, NullValue

from crm_plus.touchpoints import chunks
from crm_plus.touchpoints.kinds import (
	ACTIVE,
	CANCELLED,
	PAYMENT_TYPES,
	base_outstanding_sql,
	invoice_type,
	payment_direction,
	payment_type,
	settlement_type,
)

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


def _case(column, mapping: dict):
	"""A SQL CASE that maps the column's values as ``mapping`` does (built from a kinds.py rule)."""
	case = Case()
	for value, result in mapping.items():
		case = case.when(column == value, result)
	return case


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

	@property
	def table(self):
		return DocType(self.doctype)

	def select(
		self,
		names: Iterable[str] | None = None,
		after: str | None = None,
		upto: str | None = None,
		start: str | None = None,
		end: str | None = None,
	):
		"""Touchpoint rows of submitted (and cancelled: their touchpoint is Cancelled) documents, optionally
		narrowed to names or a name range ((after, upto] or [start, end)). Rows already written are left out
		by the writers (``write_selected``, ``insert_rows``), one unique-key lookup per row."""
		t = self.table
		q = self.build(t).where(t.docstatus.isin([1, 2]))
		if names is not None:
			q = q.where(t.name.isin(list(names)))
		if after is not None:
			q = q.where(t.name > after)
		if upto is not None:
			q = q.where(t.name <= upto)
		if start is not None or end is not None:
			q = q.where(_in_range(t, start, end))
		return q

	def insert(self, **narrow) -> int:
		"""Write the touchpoints of the selected documents in the caller's transaction (live events)."""
		return insert_rows(self.rows(**narrow))

	def rows(self, **narrow) -> list[tuple]:
		"""The touchpoint rows of the selected documents, read with a plain (non-locking) SELECT."""
		return [tuple(row) for row in self.select(**narrow).run()]

	def update(self, **narrow) -> int:
		"""Bring the active touchpoints of the selected documents up to date with them, in the caller's
		transaction (live events: a document changed after its submit); returns how many changed.

		The event's document is locked by its own save, so what this selects is the newest truth: the rows
		are written whatever the touchpoint holds meanwhile (no ``modified`` check, see ``correct``)."""
		return correct(stale(self.select(**narrow)), checked=False)


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
		# the customer's name, as ERPNext v15 titles a Quotation by default (v16 has no title column)
		t.customer_name,
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
	lambda t: Case().when(t.is_return == 1, invoice_type(1)).else_(invoice_type(0)),
	"posting_date",
	"return_against",
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
		_case(t.payment_type, {kind: payment_type(kind) for kind in PAYMENT_TYPES}),
		_const("System"),
		_case(t.payment_type, {kind: payment_direction(kind) for kind in PAYMENT_TYPES}),
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
	).where((t.party_type == "Customer") & t.payment_type.isin(list(PAYMENT_TYPES)))


def _journal_entry(t):
	"""One touchpoint per customer whose Sales Invoices the entry settles (credit = collection)."""
	row = DocType("Journal Entry Account")
	net = Sum(row.credit - row.debit)
	return (
		_row(
			frappe.qb.from_(t).join(row).on((row.parent == t.name) & (row.parenttype == "Journal Entry")),
			row.party,
			Case().when(net < 0, settlement_type(-1)).else_(settlement_type(1)),
			_const("System"),
			Case().when(net < 0, payment_direction("Pay")).else_(payment_direction("Receive")),
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
	if doc.party_type == "Customer" and payment_type(doc.payment_type) and doc.party:
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
		Source("Journal Entry", _journal_entry, _journal_entry_customers),
		Source("Dunning", _dunning, _customer_field),
	)
}


def get_source(doctype: str) -> Source | None:
	"""The touchpoint source for an ERPNext doctype (None for doctypes that are not touchpoints)."""
	return SOURCES.get(doctype)


def overdue_invoices(as_of, start: str | None = None, end: str | None = None):
	"""Invoices that are unpaid past their due date: the 'invoice became overdue' touchpoints.

	ERPNext flips invoices to Overdue with a raw UPDATE in its daily job (no document event), so
	crm_plus's own daily job writes these rows; the unique key makes it write each one once. Narrowed to
	the names in [start, end) when given (a chunk of a bulk job).
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
		LiteralValue(base_outstanding_sql("`tabSales Invoice`")),
		NullValue(),
		si.owner,
		*_standard(si),
	).where(_overdue(si, as_of) & _in_range(si, start, end))


def _in_range(t, start: str | None, end: str | None):
	"""Names in [start, end), either end open when None."""
	condition = t.name.isnotnull()
	if start is not None:
		condition &= t.name >= start
	if end is not None:
		condition &= t.name < end
	return condition


def _overdue(si, as_of):
	return (si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0) & (si.due_date < as_of)


SEQUENCE = "customer_touchpoint_id_seq"  # Frappe v15 names autoincrement doctypes from this sequence
KEY = (COLUMNS.index("reference_doctype"), COLUMNS.index("reference_name"), COLUMNS.index("touchpoint_type"))
CUSTOMER = COLUMNS.index("customer")
SUMMARY = COLUMNS.index("summary")
ROW_BYTES = 1024  # an escaped row without its summary, generously (its other text columns hold at most 140)
ATTEMPTS = 5
# rows per INSERT: a bulk job's whole chunk in one statement, unless its values would come near the server's
# max_allowed_packet (see ``_batches``)
INSERT_BATCH = 5000


def write_selected(query) -> int:
	"""A bulk job's chunk: write the touchpoint rows of ``query`` (a source's select, in ``COLUMNS`` order)
	that are not written yet; return how many were new.

	In a job's READ COMMITTED transaction (``chunks.read_committed``) the rows go in one ``INSERT ...
	SELECT``, which reads ERPNext's tables there without locking them; names come from the sequence, one
	``nextval`` per row, as live events take theirs, so no name can clash. Elsewhere (a test's REPEATABLE
	READ transaction) the rows are read with a plain SELECT and written with ``insert_rows``."""
	if not chunks.is_read_committed():
		return insert_rows([tuple(row) for row in query.run()])
	select, params = query.walk()
	columns = ", ".join(f"`{c}`" for c in COLUMNS)
	sql = f"""insert into `tabCustomer Touchpoint` ({columns}, `name`)
		select {", ".join(f"s.`{c}`" for c in COLUMNS)}, nextval(`{SEQUENCE}`)
		from ({select}) s
		where not exists (
			select 1 from `tabCustomer Touchpoint` tp
			where tp.reference_doctype = s.reference_doctype and tp.reference_name = s.reference_name
				and tp.touchpoint_type = s.touchpoint_type and tp.customer = s.customer
		)"""  # nosemgrep: columns are COLUMNS, the select is a source's, its values bound

	def insert():
		frappe.db.sql(sql, params)
		return frappe.db._cursor.rowcount

	return _retrying(insert)


def insert_rows(rows: list[tuple]) -> int:
	"""Write touchpoint rows (in ``COLUMNS`` order, read with a plain SELECT); return how many were new.

	Rows whose source key (the unique key) exists are left out first (a plain SELECT on crm_plus's own
	table: it locks nothing, unlike ``INSERT ... SELECT ... WHERE NOT EXISTS`` at REPEATABLE READ or
	``ON DUPLICATE KEY``). Every row takes its name from the sequence (``nextval``) inside the INSERT, as
	every other writer does, so two writers can never pick the same name.

	The INSERT neither ignores nor updates on a duplicate: if it still meets one it fails as a whole and
	is retried, a source-key duplicate (written meanwhile by another transaction) being left out again, a
	name clash (a name taken outside the sequence) getting new names. So only true duplicates are ever
	skipped and no touchpoint is lost, whichever side of the race a row is on.
	"""

	written = 0
	for batch in _batches(rows):
		written += _retrying(lambda batch=batch: _write(batch))
	return written


def _batches(rows: list[tuple]):
	"""``INSERT_BATCH`` rows at a time, fewer when they could fill half of max_allowed_packet (every column
	but the summary is short: names, amounts, dates, fixed words; escaping at most doubles a summary)."""
	budget = _max_packet() // 2 if len(rows) > 1 else 0
	batch, size = [], 0
	for row in rows:
		summary = row[SUMMARY]
		row_size = ROW_BYTES + (2 * len(summary) if isinstance(summary, str) else 0)
		if batch and (len(batch) >= INSERT_BATCH or size + row_size > budget):
			yield batch
			batch, size = [], 0
		batch.append(row)
		size += row_size
	if batch:
		yield batch


_max_allowed_packet: dict[str, int] = {}  # per site: sites of a bench may use different database servers


def _max_packet() -> int:
	site = frappe.local.site
	if site not in _max_allowed_packet:
		_max_allowed_packet[site] = int(frappe.db.sql("select @@max_allowed_packet")[0][0])
	return _max_allowed_packet[site]


def _write(rows: list[tuple]) -> int:
	fresh = _not_written(rows)
	if not fresh:
		return 0
	columns = ", ".join(f"`{c}`" for c in (*COLUMNS, "name"))
	one = "(" + ", ".join(["%s"] * len(COLUMNS)) + f", nextval(`{SEQUENCE}`))"
	frappe.db.sql(
		f"insert into `tabCustomer Touchpoint` ({columns}) values {', '.join([one] * len(fresh))}",  # nosemgrep
		[v for row in fresh for v in row],
	)
	return len(fresh)


def _not_written(rows: list[tuple]) -> list[tuple]:
	"""The rows whose source key has no touchpoint yet (one plain SELECT over crm_plus's own table)."""
	if not rows:
		return []
	by_doctype: dict[str, set] = {}
	for row in rows:
		by_doctype.setdefault(row[KEY[0]], set()).add(row[KEY[1]])
	existing = set()
	for doctype, names in by_doctype.items():
		# bound parameters, not a query builder: rendering thousands of names through pypika is slow
		existing.update(
			frappe.db.sql(
				f"""select reference_doctype, reference_name, touchpoint_type, customer
				from `tabCustomer Touchpoint`
				where reference_doctype = %s and reference_name in ({", ".join(["%s"] * len(names))})""",  # nosemgrep
				(doctype, *names),
			)
		)
	seen, fresh = set(), []
	for row in rows:
		key = (row[KEY[0]], row[KEY[1]], row[KEY[2]], row[CUSTOMER])
		if key not in existing and key not in seen:
			seen.add(key)
			fresh.append(row)
	return fresh


def _retrying(write):
	"""Run a touchpoint INSERT; on a duplicate (source key or name) run it again, as its rows are chosen
	afresh each time. Any other error, or a duplicate that persists, raises."""
	for attempt in range(ATTEMPTS):
		try:
			return write()
		except Exception as e:
			if attempt == ATTEMPTS - 1 or not frappe.db.is_duplicate_entry(e):
				raise
	return 0


# What a later change of the source document may move in its touchpoint, and what a correction writes:
# the values the touchpoint takes from its source and staff cannot edit by hand (``SOURCE_FIELDS`` of the
# Customer Touchpoint doctype, less its key columns): ERPNext's Update Items changes a submitted Sales
# Order's or Quotation's grand total. Never the key (reference, type, customer), the status (cancel and
# reconciliation decide it) or the record's creation; nor the summary, channel, direction, user or company,
# which staff may edit on a recorded touchpoint (a correction would undo their edit every night).
SYNCED = ("posting_date", "currency", "amount", "base_amount")
AMOUNTS = frozenset({"amount", "base_amount"})
# rows per UPDATE of ``correct``
CORRECT_BATCH = 500


def stale(query) -> list[tuple]:
	"""The active touchpoints whose ``SYNCED`` values differ from what ``query`` (a source's select, in
	``COLUMNS`` order) yields now: ``(name, modified, *values)`` rows carrying the values to write.

	One plain (non-locking) SELECT of the source rows joined to crm_plus's table on the unique key; only the
	rows that differ leave the database. Amounts are compared at the touchpoint's own precision (an
	``INSERT`` rounds them to it, so a computed amount such as a Dunning's base amount never equals it
	exactly) and travel as text, which a float would blur; text is compared byte for byte, so a change of
	case or of trailing spaces counts too."""
	select, params = query.walk()
	scale = ",".join(frappe.db.type_map["Currency"][1:])  # "21,9"

	def value(column):
		return f"cast(s.`{column}` as decimal({scale}))" if column in AMOUNTS else f"s.`{column}`"

	def differs(column):
		if column in AMOUNTS:
			return f"not (tp.`{column}` <=> {value(column)})"
		return f"not (cast(tp.`{column}` as binary) <=> cast(s.`{column}` as binary))"

	values = ", ".join(f"cast({value(c)} as char)" if c in AMOUNTS else value(c) for c in SYNCED)
	return [
		tuple(row)
		for row in frappe.db.sql(
			f"""select tp.name, tp.modified, {values}
			from ({select}) s
			join `tabCustomer Touchpoint` tp
				on tp.reference_doctype = s.reference_doctype and tp.reference_name = s.reference_name
				and tp.touchpoint_type = s.touchpoint_type and tp.customer = s.customer
			where tp.status = %(crm_plus_active)s and ({" or ".join(differs(c) for c in SYNCED)})""",  # nosemgrep: columns are SYNCED, the select is a source's, its values bound
			{**params, "crm_plus_active": ACTIVE},
		)
	]


def correct(rows: list[tuple], checked: bool = True) -> int:
	"""Write ``stale``'s values into their touchpoints, a batch of rows per UPDATE (by primary key: it locks
	those touchpoint rows only); returns how many were corrected.

	``checked``: a row is written only if its touchpoint is still as it was read (same ``modified``), so a
	bulk job never puts back older values over those a live event wrote after the job's read; that
	touchpoint is left to the live event (or to the next run)."""
	corrected = 0
	for batch in _corrections(rows):
		when = " ".join(["when %s then %s"] * len(batch))
		sets = ", ".join(f"`{column}` = case name {when} end" for column in SYNCED)
		values = [v for i in range(2, 2 + len(SYNCED)) for row in batch for v in (row[0], row[i])]
		where = f"name in ({', '.join(['%s'] * len(batch))})"
		keys = [row[0] for row in batch]
		if checked:
			where += f" and (name, modified) in ({', '.join(['(%s, %s)'] * len(batch))})"
			keys += [v for row in batch for v in row[:2]]
		frappe.db.sql(
			f"update `tabCustomer Touchpoint` set {sets}, modified = %s where {where}",  # nosemgrep: columns are SYNCED, values bound
			[*values, now_datetime(), *keys],
		)
		corrected += frappe.db._cursor.rowcount
	return corrected


def _corrections(rows: list[tuple]):
	"""``CORRECT_BATCH`` rows at a time (short rows: a date, a currency and two amounts)."""
	for start in range(0, len(rows), CORRECT_BATCH):
		yield rows[start : start + CORRECT_BATCH]
