""" "At Risk" meant three things: a lifecycle stage, a health label and an RFM segment. It is now only the
stage; the health label is *Unhealthy* and the RFM segment *Slipping Away* (``insights/scoring.py``).
Rename the stored labels and segments, in the relationships and in their history."""

import frappe
from frappe.query_builder import DocType

OLD = "At Risk"
UNHEALTHY, SLIPPING_AWAY = "Unhealthy", "Slipping Away"


def execute():
	r, h = DocType("Customer Relationship"), DocType("Customer Segment History")
	frappe.qb.update(r).set(r.health_label, UNHEALTHY).where(r.health_label == OLD).run()
	frappe.qb.update(r).set(r.rfm_segment, SLIPPING_AWAY).where(r.rfm_segment == OLD).run()
	if frappe.db.table_exists("Customer Segment History"):
		frappe.qb.update(h).set(h.health_label, UNHEALTHY).where(h.health_label == OLD).run()
		frappe.qb.update(h).set(h.segment, SLIPPING_AWAY).where(h.segment == OLD).run()
		frappe.qb.update(h).set(h.previous_segment, SLIPPING_AWAY).where(h.previous_segment == OLD).run()
