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
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from crm_plus import readiness
from crm_plus.touchpoints import chunks, relationship
from crm_plus.touchpoints.sources import SOURCES
from crm_plus.touchpoints.sources.billing import overdue_invoices
from crm_plus.touchpoints.writer import write_selected

CHUNK = chunks.CHUNK
JOB_ID = "crm_plus_backfill"
DONE_EVENT = "crm_plus_backfill_done"
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
	submitted = source.documents(table)
	total = source.count()
	done = source.count(upto=after) if after else 0
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


def plan() -> dict:
	"""What *Run Backfill Now* would do, said before it starts: how many documents of each kind it reads,
	how many touchpoints they have already, how many customers it refreshes; or why it would do nothing
	(ERPNext holds no such documents, a backfill runs already) and whether a worker would run it."""
	documents = {source.doctype: source.count() for source in SOURCES.values()}
	tp = DocType("Customer Touchpoint")
	recorded = (
		frappe.qb.from_(tp).select(Count("*")).where(tp.reference_doctype.isin(list(documents))).run()[0][0]
	)
	running = readiness.job_running(JOB_ID)
	problems = []
	if running:
		lines = [_already_running()]
	elif not sum(documents.values()):
		lines = [_nothing_to_record()]
	else:
		counts = ", ".join(f"{n} {_(doctype)}" for doctype, n in documents.items() if n)
		lines = [
			_(
				"The backfill records a touchpoint for each submitted or cancelled document that has none yet "
				"({0}; their touchpoints so far: {1}), marks the invoices past their due date, then refreshes "
				"the relationship of each of the {2} customers. It runs in the background; documents already "
				"recorded are skipped."
			).format(counts, recorded, frappe.db.count("Customer"))
		]
		if get_cursor():
			lines.append(_("An interrupted backfill is continued where it stopped."))
	if not running and readiness.workers("long") == 0:
		problems.append(readiness.no_worker(_command()))
		lines.append(problems[-1]["reason"])
	return {"documents": documents, "running": running, "problems": problems, "message": " ".join(lines)}


def start(user: str | None = None) -> dict:
	"""Queue the backfill unless one runs already; says which, and whether a worker will run it."""
	if readiness.job_running(JOB_ID):
		return {"queued": False, "problems": [], "message": _already_running()}
	enqueue_backfill(user)
	problems = [readiness.no_worker(_command())] if readiness.workers("long") == 0 else []
	lines = [_("Backfill queued. Progress is shown here while it runs.")] + [p["reason"] for p in problems]
	return {"queued": True, "problems": problems, "message": " ".join(lines)}


def _already_running() -> str:
	return _("A backfill is running now; its progress is shown here. Starting it again does nothing.")


def _nothing_to_record() -> str:
	return _(
		"ERPNext holds no submitted sales, billing or payment documents yet, so the backfill has nothing to "
		"record. Touchpoints are recorded as such documents are submitted."
	)


def _command() -> str:
	return f"bench --site {frappe.local.site} crm-plus backfill"


def outcome(written: dict) -> str:
	"""What a finished backfill did, and when it wrote nothing, why."""
	total = sum(written.values())
	if total:
		return _("Done: {0} touchpoints written").format(total)
	if not any(s.count() for s in SOURCES.values()):
		return _("Done: nothing to record, ERPNext holds no submitted documents yet.")
	return _("Done: nothing new, every document already had its touchpoints.")


def enqueue_backfill(user: str | None = None):
	"""Run the backfill as a background job on the long queue (one at a time)."""
	frappe.enqueue(
		"crm_plus.touchpoints.backfill.run_job",
		queue="long",
		timeout=4 * 3600,
		job_id=JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
		user=user,
	)


def run_job(user: str | None = None):
	def publish(step, done, total):
		frappe.publish_progress(
			done * 100 / (total or 1),
			title=_("CRM Plus Backfill"),
			description=_("{0}: {1} of {2}").format(_(step), done, total),
		)

	frappe.db.set_single_value("CRM Plus Settings", "backfill_status", _("Running"))
	chunks.commit()
	written = backfill(progress=publish)
	status = outcome(written)
	frappe.db.set_single_value(
		"CRM Plus Settings", {"backfill_status": status, "last_backfill_on": now_datetime()}
	)
	if user:  # the one who pressed the button hears how it ended
		frappe.publish_realtime(DONE_EVENT, {"message": status}, user=user, after_commit=True)
