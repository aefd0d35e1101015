"""How crm_plus's heavy jobs touch ERPNext's tables without ever holding up billing.

MariaDB runs Frappe's transactions at REPEATABLE READ. There, ``INSERT ... SELECT`` and ``UPDATE ... JOIN``
read the tables they select from with *locking* reads: every Sales Invoice row (and the gaps between them)
they scan stays share-locked until the job commits, so an invoice submitted meanwhile waits, or fails on a
deadlock. Every bulk job of crm_plus therefore works in the same three steps per chunk:

1. read ERPNext's tables with a plain ``SELECT``: a consistent (snapshot) read that takes no lock at all,
   whatever the isolation level;
2. write the rows it computed into crm_plus's own tables (``INSERT ... VALUES``, ``UPDATE ... WHERE name
   IN``), which billing never writes inside its own transaction;
3. commit, so no transaction of the job lasts longer than one chunk (a second or two).

Jobs that copy ERPNext rows into crm_plus's tables (backfill, reconciliation) run their chunks at READ
COMMITTED (``read_committed``): there InnoDB reads the source tables of an ``INSERT ... SELECT`` as a
consistent read too, taking no lock on them, so the rows go from ERPNext's tables into Customer Touchpoint
in one statement instead of travelling through Python. The level is the session's, set between
transactions (a transaction keeps the level it began with), and the session returns to Frappe's REPEATABLE
READ when the job ends. Where commits are not allowed (a test's transaction, which began at REPEATABLE
READ), the job keeps the two-step read-then-write.

Chunks are ranges of document names (``name_ranges``): each is one indexed range scan, and a range's
bounds, unlike an offset, stay put while documents are added.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

import frappe
from frappe.utils import now_datetime

from crm_plus import compat

# documents (or customers) per chunk: large enough for set-based statements, small enough that a chunk
# commits within a second or two
CHUNK = 5000


def commit() -> None:
	"""End a chunk of a bulk job: commit what it wrote.

	Tests run inside one transaction that the test runner rolls back, so under test the chunk only ends
	(nothing is committed) unless the test sets ``frappe.flags.crm_plus_commit_chunks`` and cleans up."""
	if not committing():
		return
	frappe.db.commit()  # nosemgrep: a bulk job commits per chunk (see the module docstring)


def committing() -> bool:
	"""Whether a chunk's ``commit`` really commits (not in a test's transaction, unless the test asks)."""
	return not compat.in_test() or bool(frappe.flags.crm_plus_commit_chunks)


@contextmanager
def read_committed():
	"""Run the job's transactions at READ COMMITTED (see the module docstring), when it commits per chunk.

	Ends the caller's transaction first: the level applies from the next transaction on. On the way out the
	job's last transaction is committed (or rolled back on an error) and the session is back at REPEATABLE
	READ. ``is_read_committed()`` tells the job's writers which statement to use."""
	if not committing() or frappe.flags.crm_plus_read_committed or _statement_binlog():
		yield
		return
	frappe.db.commit()  # nosemgrep: the level changes between transactions only
	frappe.db.sql("set session transaction isolation level read committed")
	frappe.db.rollback()  # begins the job's first transaction at the new level (nothing to undo)
	frappe.flags.crm_plus_read_committed = True
	try:
		yield
		frappe.db.commit()  # nosemgrep: the job's last chunk
	except BaseException:
		frappe.db.rollback()
		raise
	finally:
		frappe.flags.crm_plus_read_committed = False
		frappe.db.sql("set session transaction isolation level repeatable read")
		frappe.db.rollback()  # the next transaction begins at Frappe's level again


def _statement_binlog() -> bool:
	"""A server logging statements cannot write InnoDB rows at READ COMMITTED (error 1665): such a site
	keeps the two-step read-then-write (MariaDB's default binlog format, MIXED, logs those rows)."""
	log_bin, binlog_format = frappe.db.sql("select @@log_bin, @@binlog_format")[0]
	return bool(int(log_bin)) and binlog_format == "STATEMENT"


def is_read_committed() -> bool:
	"""Whether the current transaction is a bulk job's READ COMMITTED one (``read_committed``)."""
	return bool(frappe.flags.crm_plus_read_committed)


def name_ranges(
	doctype: str, size: int = CHUNK, start: str | None = None
) -> list[tuple[str | None, str | None]]:
	"""Ranges [start, end) of the doctype's names, ``size`` names each (None: unbounded), from a plain
	SELECT of every size-th name; from ``start`` on, when given."""
	table = f"`tab{doctype}`"
	bounds = frappe.db.sql(
		f"""
		select name from (
			select name, row_number() over (order by name) as position
			from {table} where (%(start)s is null or name >= %(start)s)
		) c
		where c.position > 1 and mod(c.position - 1, %(size)s) = 0
		order by name
		""",  # nosemgrep: the table name is a doctype's, the values are bound
		{"size": max(int(size), 1), "start": start},
		pluck=True,
	)
	return list(pairwise([None, *bounds, None]))


def batches(rows: list, size: int = CHUNK) -> Iterator[list]:
	for start in range(0, len(rows), size):
		yield rows[start : start + size]


def get_state(key: str):
	"""A job's state (a resume point, the last user of a round-robin) kept in the database, read from
	the table itself (never the cache, which a killed job's rolled-back write may have left behind)."""
	value = frappe.db.sql(
		"select defvalue from `tabDefaultValue` where parent = '__default' and defkey = %s", key
	)
	return json.loads(value[0][0]) if value and value[0][0] else None


def set_state(key: str, value) -> None:
	"""Store (or, with a falsy value, clear) a job's state as a row, in the job's transaction: it commits
	with the rows it describes, or not at all."""
	frappe.db.sql("delete from `tabDefaultValue` where parent = '__default' and defkey = %s", key)
	if value:
		now = now_datetime()
		frappe.db.sql(
			"""insert into `tabDefaultValue`
				(name, parent, parenttype, parentfield, defkey, defvalue, creation, modified, owner, modified_by)
			values (%s, '__default', '__default', 'system_defaults', %s, %s, %s, %s, 'Administrator', 'Administrator')""",
			(frappe.generate_hash(length=10), key, json.dumps(value), now, now),
		)
