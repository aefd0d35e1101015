"""Backfill: turn years of ERPNext history into touchpoints and relationship records.

Chunked, and never in billing's way (see ``chunks.py``): the job runs at READ COMMITTED and each chunk copies
the touchpoint rows of a range of document names with one ``INSERT ... SELECT`` (a consistent read of
ERPNext's tables: no locks on them) into Customer Touchpoint, then commits. Never a Python loop per document.

Resumable exactly: the resume point (the last name done per doctype) is a database row written in the
same transaction as the chunk's touchpoints, so a job killed halfway loses both or neither, and the next
run continues right after the last committed chunk, skipping nothing and redoing nothing. Idempotent: the
unique key makes a re-run write nothing twice.
"""

import time
from collections.abc import Callable, Iterable

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import now_datetime

from crm_plus.touchpoints import chunks, relationship
from crm_plus.touchpoints.sources import SOURCES, overdue_invoices, write_selected

CHUNK = chunks.CHUNK
JOB_ID = "crm_plus_backfill"
CURSOR_KEY = "crm_plus_backfill_cursor"
OVERDUE = "Overdue"
DONE = "\uffff"  # sorts after every name: the whole doctype is done


def backfill(
	chunk: int = CHUNK,
	progress: Callable[[str, int, int], None] | None = None,
	restart: bool = False,
	timings: dict | None = None,
	doctypes: Iterable[str] | None = None,
	refresh: bool = True,
) -> dict:
	"""Write the touchpoints of every submitted or cancelled source document (of ``doctypes``, default
	all), the overdue touchpoints, then refresh every relationship.

	``progress(step, done, total)`` is called after each chunk. Returns rows written per doctype; seconds
	per step go into ``timings`` when given.
	"""
	written = {}
	timings = {} if timings is None else timings
	clock = time.perf_counter()

	def lap(step):
		nonlocal clock
		now = time.perf_counter()
		timings[step] = round(now - clock, 3)
		clock = now

	cursor = {} if restart else get_cursor()
	with chunks.read_committed():
		for source in SOURCES.values():
			if doctypes is not None and source.doctype not in doctypes:
				continue
			written[source.doctype] = _backfill_source(source, chunk, cursor, progress)
			lap(source.doctype)
		if doctypes is None:
			written[OVERDUE] = _backfill_overdue(chunk, cursor, progress)
			lap(OVERDUE)
	if refresh:
		relationship.refresh_all(
			progress=(lambda d, t: progress(_("Customer Relationship"), d, t)) if progress else None,
			chunk=chunk,
		)
		lap("Customer Relationship")
	set_cursor({})
	chunks.commit()
	return written


def _backfill_source(source, chunk: int, cursor: dict, progress) -> int:
	doctype = source.doctype
	after = cursor.get(doctype) or ""
	if after == DONE:
		return 0
	table = DocType(doctype)
	submitted = table.docstatus.isin([1, 2])
	total = frappe.db.count(doctype, {"docstatus": ("in", (1, 2))})
	done = frappe.db.count(doctype, {"docstatus": ("in", (1, 2)), "name": ("<=", after)}) if after else 0
	written = 0
	while True:
		names = (
			frappe.qb.from_(table)
			.select(table.name)
			.where(submitted & (table.name > after))
			.orderby(table.name)
			.limit(chunk)
		).run(pluck=True)
		if not names:
			break
		written += write_selected(source.select(after=after, upto=names[-1]))
		after = names[-1]
		done += len(names)
		_end_chunk(cursor, doctype, after)
		if progress:
			progress(doctype, done, total)
	_end_chunk(cursor, doctype, DONE)
	return written


def _backfill_overdue(chunk: int, cursor: dict, progress) -> int:
	"""The "became overdue" touchpoints, a range of Sales Invoice names per chunk; the cursor holds the
	first name of the next range."""
	start_at = cursor.get(OVERDUE)
	if start_at == DONE:
		return 0
	today = frappe.utils.today()
	ranges = chunks.name_ranges("Sales Invoice", chunk, start=start_at)
	written = 0
	for i, (start, end) in enumerate(ranges):
		written += write_selected(overdue_invoices(today, start or start_at, end))
		_end_chunk(cursor, OVERDUE, end or DONE)
		if progress:
			progress(OVERDUE, i + 1, len(ranges))
	return written


def _end_chunk(cursor: dict, step: str, position: str) -> None:
	"""Record how far ``step`` got, in the transaction that wrote its rows, and commit both."""
	cursor[step] = position
	set_cursor(cursor)
	chunks.commit()


def get_cursor() -> dict:
	"""Where an interrupted backfill stopped: {doctype: last name done}, read from the database."""
	return chunks.get_state(CURSOR_KEY) or {}


def set_cursor(cursor: dict) -> None:
	"""Store the resume point as a row (transactional, unlike the cache), or clear it."""
	chunks.set_state(CURSOR_KEY, cursor)


def enqueue_backfill():
	"""Run the backfill as a background job on the long queue (one at a time)."""
	frappe.enqueue(
		"crm_plus.touchpoints.backfill.run_job",
		queue="long",
		timeout=4 * 3600,
		job_id=JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def run_job():
	def publish(step, done, total):
		frappe.publish_progress(
			done * 100 / (total or 1),
			title=_("CRM Plus Backfill"),
			description=_("{0}: {1} of {2}").format(_(step), done, total),
		)

	frappe.db.set_single_value("CRM Plus Settings", "backfill_status", _("Running"))
	chunks.commit()
	written = backfill(progress=publish)
	frappe.db.set_single_value(
		"CRM Plus Settings",
		{
			"backfill_status": _("Done: {0} touchpoints written").format(sum(written.values())),
			"last_backfill_on": now_datetime(),
		},
	)
