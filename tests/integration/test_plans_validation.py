"""Invalid CRM Plans are refused with a clear, translatable message naming the field."""

import frappe
import pytest

from tests.integration.plan_helpers import make_plan


def test_goal_target_without_kpi_is_refused():
	with pytest.raises(frappe.ValidationError, match=r"Company Goals, row 1: the Target 40.* needs a KPI"):
		make_plan(goals=[("", 40, 50)])


def test_unknown_kpi_is_refused():
	with pytest.raises(frappe.ValidationError, match="Happiness is not a known KPI"):
		make_plan(goals=[("Happiness", 40, 50)])


def test_period_end_before_start_is_refused():
	with pytest.raises(frappe.ValidationError, match="Period To .* cannot be before Period From"):
		make_plan(period_from="2026-07-01", period_to="2026-06-30")


@pytest.mark.parametrize("weight", [-5, 100.5, 250])
def test_weight_outside_0_to_100_is_refused(weight):
	with pytest.raises(frappe.ValidationError, match="row 1: Weight must be between 0 and 100"):
		make_plan(goals=[("Revenue", 1000, weight)])


def test_weights_0_and_100_are_fine():
	plan = make_plan(goals=[("Revenue", 1000, 0), ("New Customers", 5, 100)])
	assert [g.weight for g in plan.goals] == [0, 100]


def test_disabled_stage_owner_is_refused():
	email = f"crm-plan-{frappe.generate_hash(length=6)}@example.com"
	frappe.get_doc({"doctype": "User", "email": email, "first_name": "Gone", "enabled": 0}).insert(
		ignore_permissions=True
	)
	plan = make_plan()
	plan.append("stage_owners", {"lifecycle_stage": "At Risk", "user": email})
	with pytest.raises(frappe.ValidationError, match=f"Stage Owners, row 1: User {email} is disabled"):
		plan.save()


def test_a_stage_has_one_owner():
	plan = make_plan()
	plan.append("stage_owners", {"lifecycle_stage": "Churned", "user": "Administrator"})
	plan.append("stage_owners", {"lifecycle_stage": "Churned", "user": "Guest"})
	with pytest.raises(frappe.ValidationError, match="already has an owner in row 1"):
		plan.save()


def test_status_moves_only_through_the_actions():
	plan = make_plan(goals=[("Revenue", 1000, 100)])
	plan.status = "Active"
	with pytest.raises(frappe.ValidationError, match="Status changes only through"):
		plan.save()
	plan.reload()
	with pytest.raises(frappe.ValidationError, match="Only a Active plan"):
		plan.close()
	plan.activate()
	plan.close()
	assert frappe.db.get_value("CRM Plan", plan.name, ["status", "next_evaluation_date"]) == ("Closed", None)


def test_a_plan_without_goals_cannot_be_activated():
	plan = make_plan()
	with pytest.raises(frappe.ValidationError, match="Add at least one row to Company Goals"):
		plan.activate()
