"""Daily healing: touchpoints follow their source documents, whatever a handler missed.

- submitted source documents with no touchpoint get one (the same select the live hook runs);
- touchpoints whose source was cancelled or deleted become Cancelled;
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
	counts = {"missing": 0, "cancelled": 0, "overdue": 0}
	for source in SOURCES.values():
		counts["missing"] += source.insert(missing_only=True)
		counts["cancelled"] += _cancel_orphans(source.doctype)
	if overdue:
		counts["overdue"] = insert_select(overdue_invoices(as_of))
	if refresh:
		relationship.refresh_all(as_of)
	return counts


def _cancel_orphans(doctype: str) -> int:
	"""Active touchpoints whose source is cancelled (docstatus 2) or no longer exists."""
	TP = frappe.qb.DocType("Customer Touchpoint")
	src = DocType(doctype)
	orphans = (
		frappe.qb.from_(TP)
		.left_join(src)
		.on(src.name == TP.reference_name)
		.select(TP.name)
		.where(
			(TP.reference_doctype == doctype)
			& (TP.status == ACTIVE)
			& (src.name.isnull() | (src.docstatus == 2))
		)
	).run(pluck=True)
	if orphans:
		(
			frappe.qb.update(TP)
			.set(TP.status, CANCELLED)
			.set(TP.modified, now_datetime())
			.where(TP.name.isin(orphans))
		).run()
	return len(orphans)
