"""Bulk touchpoint writes: an interrupted backfill resumes exactly, a name taken outside the sequence
never costs a touchpoint, and only a duplicate source key is skipped. (Bulk and live writers take every
name from the sequence; a live submit racing an open bulk chunk is tested in ``test_jobs_and_billing``.)"""

import frappe
import pytest

from crm_plus.touchpoints import backfill, chunks, sources
from crm_plus.touchpoints.sources import SOURCES, insert_rows
from tests.integration.factories import invoice, make_customer


class Killed(Exception):
	pass


def _invoices_without_touchpoints(count: int) -> list[str]:
	customer = make_customer()
	names = [invoice(customer, rate=10 * (i + 1)).name for i in range(count)]
	frappe.db.delete("Customer Touchpoint", {"customer": customer})
	return names


def _touchpoints_of(names) -> dict[str, int]:
	rows = frappe.get_all(
		"Customer Touchpoint",
		filters={"reference_doctype": "Sales Invoice", "reference_name": ("in", names)},
		pluck="reference_name",
	)
	return {name: rows.count(name) for name in names}


def _name_before(name: str) -> str:
	si = frappe.qb.DocType("Sales Invoice")
	before = (
		frappe.qb.from_(si)
		.select(si.name)
		.where((si.name < name) & si.docstatus.isin([1, 2]))
		.orderby(si.name, order=frappe.qb.desc)
		.limit(1)
	).run(pluck=True)
	return before[0] if before else ""


def test_a_killed_backfill_resumes_without_skipping_or_redoing(monkeypatch):
	names = sorted(_invoices_without_touchpoints(5))
	backfill.set_cursor({"Sales Invoice": _name_before(names[0])})

	# a chunk's commit is a savepoint here; the job dies at the third commit, after writing its third
	# invoice's touchpoint and resume point: the database keeps what the first two commits made
	commits = []

	def commit():
		commits.append(1)
		if len(commits) == 3:
			raise Killed
		frappe.db.savepoint("crm_plus_chunk")

	monkeypatch.setattr(chunks, "commit", commit)
	with pytest.raises(Killed):
		backfill.backfill(chunk=1, doctypes=["Sales Invoice"], refresh=False)
	frappe.db.rollback(save_point="crm_plus_chunk")
	assert backfill.get_cursor() == {"Sales Invoice": names[1]}
	assert _touchpoints_of(names) == dict.fromkeys(names[:2], 1) | dict.fromkeys(names[2:], 0)

	# resumed: reads from right after the last committed invoice, writes the other three once
	monkeypatch.setattr(chunks, "commit", lambda: None)
	read = []
	select = SOURCES["Sales Invoice"].select
	monkeypatch.setattr(
		SOURCES["Sales Invoice"].__class__,
		"select",
		lambda self, **narrow: read.append(narrow.get("after")) or select.__func__(self, **narrow),
	)
	written = backfill.backfill(chunk=1, doctypes=["Sales Invoice"], refresh=False)
	assert read[0] == names[1]
	assert written["Sales Invoice"] == 3
	assert _touchpoints_of(names) == dict.fromkeys(names, 1)
	assert backfill.get_cursor() == {}


def test_a_live_name_taken_outside_the_sequence_is_retried_not_skipped():
	"""A live event whose nextval lands on a name already written (by a writer that did not take it from
	the sequence) gets a new name, not silence."""
	(live,) = _invoices_without_touchpoints(1)
	(blocked,) = _invoices_without_touchpoints(1)
	# a row was written ahead of the sequence: the live event's next name is taken
	taken = frappe.db.sql(f"select nextval(`{sources.SEQUENCE}`)")[0][0] + 1
	row = SOURCES["Sales Invoice"].rows(names=[blocked])[0]
	columns = ", ".join(f"`{c}`" for c in (*sources.COLUMNS, "name"))
	frappe.db.sql(
		f"insert into `tabCustomer Touchpoint` ({columns}) values ({', '.join(['%s'] * (len(row) + 1))})",
		(*row, taken),
	)
	assert SOURCES["Sales Invoice"].insert(names=[live]) == 1
	assert _touchpoints_of([live, blocked]) == {live: 1, blocked: 1}


def test_only_a_duplicate_source_key_is_skipped():
	names = _invoices_without_touchpoints(2)
	rows = SOURCES["Sales Invoice"].rows(names=names)
	assert insert_rows(rows) == 2
	assert insert_rows(rows + rows) == 0
	assert _touchpoints_of(names) == dict.fromkeys(names, 1)
