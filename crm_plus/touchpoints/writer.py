"""The one writer of recorded touchpoints: every source's rows go into Customer Touchpoint through here.

A source (``sources/``) yields rows in ``COLUMNS`` order from a plain SELECT; this module writes them, once
each, and keeps them true:

- ``write_selected``: a bulk job's chunk (backfill, reconciliation), one ``INSERT ... SELECT`` at READ
  COMMITTED (see ``chunks.py``), else read-then-write;
- ``insert_rows``: rows already read (live events, tests), names from the sequence, duplicates left out;
- ``stale`` / ``correct``: the stored touchpoints whose values moved with their source, and their rewrite.

The unique key (reference_doctype, reference_name, touchpoint_type, customer) makes a second touchpoint
for the same event impossible: a handler called twice, or a job run twice, writes nothing twice. Rows are
read with plain SELECTs and written into crm_plus's own table only, so a job never locks what billing writes.
"""

import frappe
from frappe.utils import now_datetime

from crm_plus.touchpoints import chunks
from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED

# the columns every source's select yields, in this order, and the writer writes
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
	"duration",
	"status",
	"owner",
	"modified_by",
	"creation",
	"modified",
)


SEQUENCE = "customer_touchpoint_id_seq"  # Frappe v15 names autoincrement doctypes from this sequence
# columns added to Customer Touchpoint after its first release: written once the site has them (code runs
# before ``bench migrate`` adds them: a patch submitting documents, a bench updated but not yet migrated)
LATER_COLUMNS = ("duration",)
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
	present = written_columns()
	columns = ", ".join(f"`{c}`" for c in present)
	sql = f"""insert into `tabCustomer Touchpoint` ({columns}, `name`)
		select {", ".join(f"s.`{c}`" for c in present)}, nextval(`{SEQUENCE}`)
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


def written_columns() -> tuple[str, ...]:
	"""``COLUMNS`` less those of ``LATER_COLUMNS`` the site's table does not have yet."""
	return tuple(
		c for c in COLUMNS if c not in LATER_COLUMNS or frappe.db.has_column("Customer Touchpoint", c)
	)


def _write(rows: list[tuple]) -> int:
	fresh = _not_written(rows)
	if not fresh:
		return 0
	present = written_columns()
	kept = [COLUMNS.index(c) for c in present]
	columns = ", ".join(f"`{c}`" for c in (*present, "name"))
	one = "(" + ", ".join(["%s"] * len(present)) + f", nextval(`{SEQUENCE}`))"
	frappe.db.sql(
		f"insert into `tabCustomer Touchpoint` ({columns}) values {', '.join([one] * len(fresh))}",  # nosemgrep
		[row[i] for row in fresh for i in kept],
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
# A saved (not submitted) source names its own (``Source.synced``): its status follows the document too.
SYNCED = ("posting_date", "currency", "amount", "base_amount")
# compared and written as decimals at the touchpoint's own precision
DECIMALS = frozenset({"amount", "base_amount", "duration"})
# rows per UPDATE of ``correct``
CORRECT_BATCH = 500


def stale(query, synced: tuple = SYNCED, every_status: bool = False) -> list[tuple]:
	"""The active touchpoints whose ``synced`` values differ from what ``query`` (a source's select, in
	``COLUMNS`` order) yields now: ``(name, modified, *values)`` rows carrying the values to write.
	``every_status``: cancelled touchpoints too (a source whose status is among its synced values).

	One plain (non-locking) SELECT of the source rows joined to crm_plus's table on the unique key; only the
	rows that differ leave the database. Amounts are compared at the touchpoint's own precision (an
	``INSERT`` rounds them to it, so a computed amount such as a Dunning's base amount never equals it
	exactly) and travel as text, which a float would blur; text is compared byte for byte, so a change of
	case or of trailing spaces counts too."""
	select, params = query.walk()
	scale = ",".join(frappe.db.type_map["Currency"][1:])  # "21,9"
	synced = tuple(c for c in synced if c in written_columns())

	def value(column):
		return f"cast(s.`{column}` as decimal({scale}))" if column in DECIMALS else f"s.`{column}`"

	def differs(column):
		if column in DECIMALS:
			return f"not (tp.`{column}` <=> {value(column)})"
		return f"not (cast(tp.`{column}` as binary) <=> cast(s.`{column}` as binary))"

	values = ", ".join(f"cast({value(c)} as char)" if c in DECIMALS else value(c) for c in synced)
	status = "" if every_status else "tp.status = %(crm_plus_active)s and "
	return [
		tuple(row)
		for row in frappe.db.sql(
			f"""select tp.name, tp.modified, {values}
			from ({select}) s
			join `tabCustomer Touchpoint` tp
				on tp.reference_doctype = s.reference_doctype and tp.reference_name = s.reference_name
				and tp.touchpoint_type = s.touchpoint_type and tp.customer = s.customer
			where {status}({" or ".join(differs(c) for c in synced)})""",  # nosemgrep: columns are a source's synced ones, the select is a source's, its values bound
			{**params, "crm_plus_active": ACTIVE},
		)
	]


def correct(rows: list[tuple], checked: bool = True, synced: tuple = SYNCED) -> int:
	"""Write ``stale``'s values (of the ``synced`` columns) into their touchpoints, a batch of rows per
	UPDATE (by primary key: it locks those touchpoint rows only); returns how many were corrected.

	``checked``: a row is written only if its touchpoint is still as it was read (same ``modified``), so a
	bulk job never puts back older values over those a live event wrote after the job's read; that
	touchpoint is left to the live event (or to the next run)."""
	corrected = 0
	synced = tuple(c for c in synced if c in written_columns())
	for batch in _corrections(rows):
		when = " ".join(["when %s then %s"] * len(batch))
		sets = ", ".join(f"`{column}` = case name {when} end" for column in synced)
		values = [v for i in range(2, 2 + len(synced)) for row in batch for v in (row[0], row[i])]
		where = f"name in ({', '.join(['%s'] * len(batch))})"
		keys = [row[0] for row in batch]
		if checked:
			where += f" and (name, modified) in ({', '.join(['(%s, %s)'] * len(batch))})"
			keys += [v for row in batch for v in row[:2]]
		frappe.db.sql(
			f"update `tabCustomer Touchpoint` set {sets}, modified = %s where {where}",  # nosemgrep: columns are a source's synced ones, values bound
			[*values, now_datetime(), *keys],
		)
		corrected += frappe.db._cursor.rowcount
	return corrected


def vanished(
	query, doctype: str, names: list[str] | None = None, start: str | None = None, end: str | None = None
) -> list[tuple[int, str]]:
	"""``(name, customer)`` of the active touchpoints of ``doctype`` (its documents ``names``, or those named
	in [start, end)) that ``query`` (the source's select over the same documents) no longer yields: an
	e-mail relinked to another customer, a participant removed from a meeting, an issue reopened.

	One plain SELECT: crm_plus's table left-joined to the source rows on the unique key."""
	select, params = query.walk()
	where = ["tp.reference_doctype = %(crm_plus_doctype)s", "tp.status = %(crm_plus_active)s"]
	if names is not None:
		if not names:
			return []
		where.append("tp.reference_name in %(crm_plus_names)s")
	if start is not None:
		where.append("tp.reference_name >= %(crm_plus_start)s")
	if end is not None:
		where.append("tp.reference_name < %(crm_plus_end)s")
	return [
		(row[0], row[1])
		for row in frappe.db.sql(
			f"""select tp.name, tp.customer
			from `tabCustomer Touchpoint` tp
			left join ({select}) s
				on s.reference_doctype = tp.reference_doctype and s.reference_name = tp.reference_name
				and s.touchpoint_type = tp.touchpoint_type and s.customer = tp.customer
			where {" and ".join(where)} and s.customer is null""",  # nosemgrep: the select is a source's, its values bound
			{
				**params,
				"crm_plus_doctype": doctype,
				"crm_plus_active": ACTIVE,
				"crm_plus_names": tuple(names or ()),
				"crm_plus_start": start,
				"crm_plus_end": end,
			},
		)
	]


def cancel(names: list[int]) -> int:
	"""Mark touchpoints Cancelled (by primary key); never delete them."""
	if not names:
		return 0
	frappe.db.sql(
		f"""update `tabCustomer Touchpoint` set status = %s, modified = %s
		where status = %s and name in ({", ".join(["%s"] * len(names))})""",  # nosemgrep: placeholders only
		[CANCELLED, now_datetime(), ACTIVE, *names],
	)
	return frappe.db._cursor.rowcount


def _corrections(rows: list[tuple]):
	"""``CORRECT_BATCH`` rows at a time (short rows: a date, a currency and two amounts)."""
	for start in range(0, len(rows), CORRECT_BATCH):
		yield rows[start : start + CORRECT_BATCH]
