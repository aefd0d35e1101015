"""Whitelisted entry points of Insights: thin, permission-checked."""

import json

import frappe
from frappe import _, _lt

from crm_plus.insights import health

COMPONENT_LABELS = {
	"recency": _lt("Recency"),
	"frequency": _lt("Purchase Frequency Trend"),
	"payment": _lt("Payment Behaviour"),
	"satisfaction": _lt("Satisfaction"),
	"engagement": _lt("Engagement"),
}


@frappe.whitelist(methods=["POST"])
def recompute() -> None:
	"""Recompute every customer's health and segment in a long background job (Settings button)."""
	frappe.has_permission("CRM Plus Settings", "write", throw=True)
	health.enqueue_recompute()
	frappe.db.set_single_value("CRM Plus Settings", "insights_status", _("Queued"))


@frappe.whitelist()
def get_health(customer: str) -> dict | None:
	"""A customer's health score, label, segment and why: each component's points, translated. None when
	the customer has no relationship yet or the user may not read it (the Customer form then shows none)."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	if not frappe.db.exists("Customer Relationship", customer) or not frappe.has_permission(
		"Customer Relationship", "read", customer
	):
		return None
	row = frappe.db.get_value(
		"Customer Relationship",
		customer,
		["health_score", "health_label", "rfm_segment", "health_breakdown", "insights_computed_on"],
		as_dict=True,
	)
	if not row or not row.health_breakdown:
		return None
	breakdown = json.loads(row.health_breakdown)
	components = [
		{
			"label": str(COMPONENT_LABELS.get(c.key, c.key)),
			"weight": c.weight,
			"score": None if c.score is None else round(c.score, 1),
			"points": c.points,
			"note": _(c.note).format(*c.values),
			"measured": c.score is not None,
		}
		for c in health.explain(breakdown)
	]
	return {
		"score": row.health_score,
		"label": row.health_label,
		"segment": row.rfm_segment,
		"rfm": breakdown.get("rfm"),
		"redistributed": breakdown.get("redistributed"),
		"computed_on": row.insights_computed_on,
		"components": components,
	}
