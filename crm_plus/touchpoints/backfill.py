"""Backfill: turn years of ERPNext history into touchpoints and relationship records.

Set-based and chunked: each chunk is one ``INSERT IGNORE ... SELECT`` over a range of document names,
never a Python loop per document. Resumable (the last finished name per doctype is kept in the cache,
so an interrupted run continues where it stopped) and idempotent (the unique key makes a re-run write
nothing twice).
"""

import time
from collections.abc import Callable

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import now_datetime

from crm_plus.touchpoints import relationship
from crm_plus.touchpoints.sources import SOURCES, insert_select, overdue_count, overdue_invoices

CHUNK = 20000
JOB_ID = "crm_plus_backfill"


def _cursor_key(doctype: str) -> str:
	return f"crm_plus:backfill:{doctype}"


def backfill(
	chunk: int = CHUNK,
	progress: Callable[[str, int, int], None] | None = None,
	restart: bool = False,
	timings: dict | None = None,
) -> dict:
	"""Write the touchpoints of every submitted or cancelled source document, then refresh every
	relationship.

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

	for source in SOURCES.values():
		key = _cursor_key(source.doctype)
		if restart:
			frappe.cache.delete_value(key)
		table = DocType(source.doctype)
		total = frappe.db.count(source.doctype, {"docstatus": ("in", (1, 2))})
		after = frappe.cache.get_value(key) or ""
		done = (
			0
			if not after
			else frappe.db.count(source.doctype, {"docstatus": ("in", (1, 2)), "name": ("<=", after)})
		)
		written[source.doctype] = 0
		while True:
			names = (
				frappe.qb.from_(table)
				.select(table.name)
				.where(table.docstatus.isin([1, 2]) & (table.name > after))
				.orderby(table.name)
				.limit(chunk)
			).run(pluck=True)
			if not names:
				break
			written[source.doctype] += source.insert_range(after, names[-1], len(names))
			after = names[-1]
			done += len(names)
			frappe.cache.set_value(key, after, expires_in_sec=86400)
			if progress:
				progress(source.doctype, done, total)
		frappe.cache.delete_value(key)
		lap(source.doctype)
	today = frappe.utils.today()
	written["Overdue"] = insert_select(overdue_invoices(today), reserve=overdue_count(today))
	lap("Overdue")
	relationship.refresh_all(
		progress=(lambda d, t: progress(_("Customer Relationship"), d, t)) if progress else None
	)
	lap("Customer Relationship")
	return written


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
	written = backfill(progress=publish)
	frappe.db.set_single_value(
		"CRM Plus Settings",
		{
			"backfill_status": _("Done: {0} touchpoints written").format(sum(written.values())),
			"last_backfill_on": now_datetime(),
		},
	)
