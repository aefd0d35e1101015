"""Plans activated before a goal recorded whether its baseline was measured: a baseline that is not 0 was
measured, so achievement keeps being the progress from it; a 0 is left unmeasured, which evaluates the goal
as before (actual against target, as progress from 0 does)."""

import frappe
from frappe.query_builder import DocType


def execute():
	goal, plan = DocType("CRM Plan Goal"), DocType("CRM Plan")
	if not frappe.db.has_column("CRM Plan Goal", "baseline_measured"):
		return
	active = frappe.qb.from_(plan).select(plan.name).where(plan.status != "Draft")
	(
		frappe.qb.update(goal)
		.set(goal.baseline_measured, 1)
		.where(goal.parent.isin(active) & (goal.parenttype == "CRM Plan"))
		.where((goal.baseline != 0) | (goal.baseline_amount != 0))
		.run()
	)
