"""Daily healing: touchpoints follow their source documents, whatever a handler missed.

- submitted source documents with no touchpoint get one (the same select the live hook runs);
- touchpoints whose source was cancelled become Cancelled, those whose source was deleted are removed
  (its name may be reused);
- invoices unpaid past their due date get their "Overdue" touchpoint (ERPNext marks them Overdue with a
  raw UPDATE, so no document event ever fires for it);
- every customer's relationship figures are recomputed (overdue amounts and the 90-day window move
  with the calendar even when no document does).
"""

import frappe
from frappe.query_builder import DocType
from frappe.utils import getdate, now_datetime

from crm_plus.touchpoints import relationship
from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED
from crm_plus.touchpoints.sources import SOURCES, insert_select, overdue_invoices


def daily():
	"""Scheduler entry point (daily_long)."""
	settings = frappe.get_cached_doc("CRM Plus Settings")
	if not settings.enable_touchpoints:
		return
	reconcile(overdue=bool(settings.overdue_touchpoints))
	frappe.db.set_single_value("CRM Plus Settings", "last_reconciled_on", now_datetime())


def reconcile(as_of=None, overdue: bool = True, refresh: bool = True) -> dict:
	"""Heal touchpoints and refresh relationships; returns counts of what changed."""
	as_of = getdate(as_of)
	counts = {"deleted": 0, "cancelled": 0, "missing": 0, "overdue": 0}
	for source in SOURCES.values():
		# deleted first: a deleted document's name may already belong to a new one
		counts["deleted"] += _forget_deleted(source.doctype)
		counts["cancelled"] += _cancel_cancelled(source.doctype)
		counts["missing"] += source.insert(missing_only=True)
	if overdue:
		counts["overdue"] = insert_select(overdue_invoices(as_of))
	if refresh:
		relationship.refresh_all(as_of)
	return counts


def _orphans(doctype: str, where):
	tp = frappe.qb.DocType("Customer Touchpoint")
	src = DocType(doctype)
	return (
		frappe.qb.from_(tp)
		.left_join(src)
		.on(src.name == tp.reference_name)
		.select(tp.name)
		.where((tp.reference_doctype == doctype) & where(tp, src))
	).run(pluck=True)


def _forget_deleted(doctype: str) -> int:
	"""Touchpoints whose source document no longer exists are deleted, as the live on_trash event does."""
	names = _orphans(doctype, lambda tp, src: src.name.isnull())
	if names:
		frappe.db.delete("Customer Touchpoint", {"name": ("in", names)})
	return len(names)


def _cancel_cancelled(doctype: str) -> int:
	"""Active touchpoints whose source is cancelled become Cancelled."""
	names = _orphans(doctype, lambda tp, src: (tp.status == ACTIVE) & (src.docstatus == 2))
	if names:
		tp = frappe.qb.DocType("Customer Touchpoint")
		(
			frappe.qb.update(tp)
			.set(tp.status, CANCELLED)
			.set(tp.modified, now_datetime())
			.where(tp.name.isin(names))
		).run()
	return len(names)
