"""Building CRM Plans for the plan tests."""

import frappe


def make_plan(goals=(), customer_groups=(), activate: bool = False, **fields):
	"""A CRM Plan of _Test Company; goals are (kpi, target, weight[, direction]) tuples."""
	doc = frappe.get_doc(
		{
			"doctype": "CRM Plan",
			"title": f"_CRM Test Plan {frappe.generate_hash(length=6)}",
			"company": "_Test Company",
			"manager": "Administrator",
			"period_from": "2026-07-01",
			"period_to": "2026-09-30",
			"evaluation_frequency": "Quarterly",
			**fields,
		}
	)
	for goal in goals:
		kpi, target, weight, *direction = goal
		doc.append(
			"goals",
			{"kpi": kpi, "target": target, "weight": weight, "direction": (direction or ["Raise"])[0]},
		)
	for group in customer_groups:
		doc.append("customer_groups", {"customer_group": group})
	doc.insert()
	if activate:
		doc.activate()
	return doc


def evaluations(plan: str) -> list[dict]:
	return frappe.get_all(
		"CRM Plan Evaluation",
		filters={"plan": plan},
		fields=["name", "scheduled_for", "period_from", "period_to", "evaluation_type", "weighted_score"],
		order_by="period_to asc",
	)


def own(names: list[str], plan: str) -> list[str]:
	"""The evaluations among ``names`` that belong to ``plan``: the daily job evaluates every Active plan on
	the site (other tests', the demo's), so a test counts only its own."""
	if not names:
		return []
	mine = set(
		frappe.get_all("CRM Plan Evaluation", filters={"name": ("in", names), "plan": plan}, pluck="name")
	)
	return [name for name in names if name in mine]
