"""Daily healing: touchpoints follow their source documents, whatever a handler missed.

- submitted source documents with no touchpoint get one (the same select the live hook runs);
- touchpoints whose source was cancelled become Cancelled, those whose source was deleted are removed
  (its name may be reused) or, for sources whose names are never reused (an e-mail, a call), Cancelled;
- touchpoints that a saved source (contacts, service) no longer yields become Cancelled (an e-mail
  relinked to another customer, an issue reopened), and come back when it yields them again;
- active touchpoints whose values no longer match their source (a document changed after its submit,
  e.g. by ERPNext's Update Items, while the live event failed) are corrected;
- invoices unpaid past their due date get their "Overdue" touchpoint (ERPNext marks them Overdue with a
  raw UPDATE, so no document event ever fires for it);
- every customer's relationship figures are recomputed (overdue amounts and the 90-day window move
  with the calendar even when no document does).
"""

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime

from crm_plus.touchpoints import chunks, relationship
from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED
from crm_plus.touchpoints.sources import SOURCES
from crm_plus.touchpoints.sources.billing import overdue_invoices
from crm_plus.touchpoints.writer import cancel, correct, stale, vanished, write_selected


def daily():
	"""Scheduler entry point (daily_long)."""
	settings = frappe.get_cached_doc("CRM Plus Settings")
	if not settings.enable_touchpoints:
		return
	reconcile(overdue=bool(settings.overdue_touchpoints))
	frappe.db.set_single_value("CRM Plus Settings", "last_reconciled_on", now_datetime())


def reconcile(as_of=None, overdue: bool = True, refresh: bool = True, chunk: int = chunks.CHUNK) -> dict:
	"""Heal touchpoints and refresh relationships; returns counts of what changed.

	A range of document names per chunk, at READ COMMITTED: non-locking reads of ERPNext's tables, writes
	into Customer Touchpoint only, a commit per chunk (see ``chunks.py``)."""
	as_of = getdate(as_of)
	counts = {"deleted": 0, "cancelled": 0, "missing": 0, "corrected": 0, "overdue": 0}
	with chunks.read_committed():
		for source in SOURCES.values():
			for start, end in chunks.name_ranges(source.doctype, chunk):
				# deleted first: a deleted document's name may already belong to a new one
				if source.on_delete == "cancel":
					counts["cancelled"] += _cancel_deleted(source.doctype, start, end)
				else:
					counts["deleted"] += _forget_deleted(source.doctype, start, end)
				if source.saved:
					# touchpoints the documents no longer yield (relinked, reopened, no longer a contact)
					gone = vanished(source.select(start=start, end=end), source.doctype, start=start, end=end)
					counts["cancelled"] += cancel([name for name, _customer in gone])
				else:
					counts["cancelled"] += _cancel_cancelled(source.doctype, start, end)
				counts["missing"] += write_selected(source.select(start=start, end=end))
				# a plain SELECT brings out the rows that differ; a batched UPDATE of those rows only
				counts["corrected"] += correct(
					stale(source.select(start=start, end=end), source.synced, every_status=source.saved),
					synced=source.synced,
				)
				chunks.commit()
		if overdue:
			for start, end in chunks.name_ranges("Sales Invoice", chunk):
				counts["overdue"] += write_selected(overdue_invoices(as_of, start, end))
				chunks.commit()
	if refresh:
		relationship.refresh_all(as_of, chunk=chunk)
	return counts


def _orphans(doctype: str, where, start, end):
	"""Touchpoints of ``doctype`` whose reference name is in [start, end) and whose source matches
	``where`` (a plain SELECT)."""
	tp = frappe.qb.DocType("Customer Touchpoint")
	src = DocType(doctype)
	query = (
		frappe.qb.from_(tp)
		.left_join(src)
		.on(src.name == tp.reference_name)
		.select(tp.name)
		.where((tp.reference_doctype == doctype) & where(tp, src))
	)
	if start is not None:
		query = query.where(tp.reference_name >= start)
	if end is not None:
		query = query.where(tp.reference_name < end)
	return query.run(pluck=True)


def _forget_deleted(doctype: str, start=None, end=None) -> int:
	"""Touchpoints whose source document no longer exists are deleted, as the live on_trash event does."""
	names = _orphans(doctype, lambda tp, src: src.name.isnull(), start, end)
	if names:
		frappe.db.delete("Customer Touchpoint", {"name": ("in", names)})
	return len(names)


def _cancel_deleted(doctype: str, start=None, end=None) -> int:
	"""Active touchpoints whose source document no longer exists become Cancelled, as the live on_trash
	event makes them (sources whose names are never given again: an e-mail, a call)."""
	return cancel(_orphans(doctype, lambda tp, src: (tp.status == ACTIVE) & src.name.isnull(), start, end))


def _cancel_cancelled(doctype: str, start=None, end=None) -> int:
	"""Active touchpoints whose source is cancelled become Cancelled."""
	names = _orphans(doctype, lambda tp, src: (tp.status == ACTIVE) & (src.docstatus == 2), start, end)
	if names:
		tp = frappe.qb.DocType("Customer Touchpoint")
		(
			frappe.qb.update(tp)
			.set(tp.status, CANCELLED)
			.set(tp.modified, now_datetime())
			.where(tp.name.isin(names))
		).run()
	return len(names)
