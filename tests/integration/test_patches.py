"""crm_plus's patches run again without harm: a site restored from a backup taken before their Patch Log
rows, or migrated to another line of Frappe, runs them a second time (``tests/upgrade`` runs all of them
over the demo on v15 and on v16)."""

import frappe

from crm_plus.patches import plan_amounts_at_permlevel_1
from tests.integration.plan_helpers import make_plan


def test_plan_amounts_move_once_and_a_second_run_keeps_them():
	plan = make_plan(goals=[("Revenue", 30000, 60), ("Churn Rate", 10, 40, "Lower")])
	revenue, churn = plan.goals
	assert revenue.unit == "Amount"
	assert frappe.db.get_value("CRM Plan Goal", revenue.name, ["target", "target_amount"]) == (0, 30000)
	# a plan written before amounts moved to permlevel 1 kept the target in the plain field
	frappe.db.set_value("CRM Plan Goal", revenue.name, {"target": 30000, "target_amount": 0})

	for _run in range(2):
		plan_amounts_at_permlevel_1.execute()
		assert frappe.db.get_value("CRM Plan Goal", revenue.name, ["target", "target_amount"]) == (0, 30000)
	# a goal not in money keeps its value where it is
	assert frappe.db.get_value("CRM Plan Goal", churn.name, ["target", "target_amount"]) == (10, 0)
