"""A plan's numbers mean what they say: a target is compared with the days it stands for (an interim
evaluation, a target for the whole plan), an impossible or empty goal is refused, and every evaluation
explains its achievement in the form and in the print, figures in money only for who may read them.

The data is ``sales_dataset``: revenue 500 in April-June 2026 (the baseline of a plan starting 1 July),
850 in July-September, 800 of it by 15 August."""

import frappe
import pytest
from frappe.utils import flt

from crm_plus.plans import api, evaluation
from tests.integration.factories import make_user
from tests.integration.plan_helpers import make_plan, own
from tests.integration.test_plans_kpis import sales_dataset


def _goal(doc, kpi: str):
	return next(g for g in doc.goals if g.kpi == kpi)


def test_an_interim_evaluation_compares_its_days_with_their_share_of_the_target_and_baseline():
	plan = make_plan(goals=[("Revenue", 1000, 100)], customer_groups=[sales_dataset()], activate=True)
	doc = evaluation.evaluate_on_demand(frappe.get_doc("CRM Plan", plan.name), today="2026-08-15")
	revenue = _goal(doc, "Revenue")
	# 1 July - 15 August: 46 of the quarter's 92 days
	assert (revenue.evaluated_days, revenue.target_days, revenue.baseline_days) == (46, 92, 92)
	assert (revenue.plan_target_amount, revenue.plan_baseline_amount) == (1000, 500)
	assert (revenue.target_amount, revenue.baseline_amount) == (500, 250)
	assert revenue.actual_amount == 800
	assert revenue.achievement == 200  # (800 - 250) / (500 - 250) = 220 %, kept at 200 %
	explained = doc.goal_explanations()[revenue.name]
	assert "pro-rated to the 46 days evaluated" in explained
	assert "220 %" in explained and "200 %" in explained


def test_a_target_for_the_whole_plan_is_shared_among_its_evaluations_by_days():
	plan = frappe.get_doc(
		{
			"doctype": "CRM Plan",
			"title": f"_CRM Test Plan {frappe.generate_hash(length=6)}",
			"company": "_Test Company",
			"manager": "Administrator",
			"period_from": "2026-01-01",
			"period_to": "2026-12-31",
			"evaluation_frequency": "Quarterly",
			"customer_groups": [{"customer_group": sales_dataset()}],
			"goals": [{"kpi": "Revenue", "target": 3650, "target_for": "Whole Plan", "weight": 100}],
		}
	).insert()
	plan.activate()
	names = own(evaluation.create_due_evaluations(today="2026-10-01"), plan.name)
	q3 = frappe.get_doc("CRM Plan Evaluation", names[-1])
	revenue = _goal(q3, "Revenue")
	# July-September: 92 of the year's 365 days of 3,650
	assert (revenue.target_for, revenue.evaluated_days, revenue.target_days) == ("Whole Plan", 92, 365)
	assert revenue.target_amount == 920 and revenue.actual_amount == 850
	assert (
		"for the plan's whole period (365 days), pro-rated to the 92 days evaluated"
		in (q3.goal_explanations()[revenue.name])
	)
	# the plan's chart compares each evaluation with its own target
	trend = api.get_kpi_trend(plan.name)["kpis"][0]
	assert trend["targets"][-1] == 920
	# a rate is never scaled: its target holds for any span
	plan.reload()
	plan.append(
		"goals",
		{"kpi": "Churn Rate", "target": 10, "target_for": "Whole Plan", "weight": 10, "direction": "Lower"},
	)
	plan.save()
	assert plan.goals[-1].target_for == "Each Evaluation Period"


@pytest.mark.parametrize(
	("kpi", "target", "direction", "says"),
	[
		("CSAT", 120, "Raise", "never above 100"),
		("Revenue", -5, "Raise", "never below 0"),
		("NPS", -120, "Raise", "never below -100"),
		("Churn Rate", 100, "Lower", "any value of Churn Rate meets a Lower goal"),
		("Customer Effort", 1, "Raise", "any value of Customer Effort meets a Raise goal"),
	],
)
def test_a_target_the_kpi_cannot_reach_or_any_value_meets_is_refused(kpi, target, direction, says):
	with pytest.raises(frappe.ValidationError, match=says):
		make_plan(goals=[(kpi, target, 100, direction)])


def test_a_raise_goal_below_its_baseline_is_refused_when_the_plan_is_activated():
	plan = make_plan(goals=[("Revenue", 400, 100)], customer_groups=[sales_dataset()])
	with pytest.raises(frappe.ValidationError, match="was 500.* above it; 400 asks for no progress"):
		plan.activate()
	assert frappe.db.get_value("CRM Plan", plan.name, "status") == "Draft"


def test_an_active_plans_target_changed_below_its_baseline_is_refused_other_edits_are_not():
	plan = make_plan(
		goals=[("Revenue", 1000, 60), ("Churn Rate", 20, 40, "Lower")],
		customer_groups=[sales_dataset()],
		activate=True,
	)
	plan.reload()
	# churn had nothing to measure before the plan: no baseline to compare with
	assert [(g.kpi, g.baseline_measured) for g in plan.goals] == [("Revenue", 1), ("Churn Rate", 0)]
	plan.title += " (renamed)"
	plan.save()
	plan.goals[0].target_amount = 450
	with pytest.raises(frappe.ValidationError, match="Impossible Goal|asks for no progress"):
		plan.save()


def test_the_evaluation_explains_its_achievement_in_the_form_and_the_print_amounts_only_for_who_may_read_them():
	plan = make_plan(
		goals=[("Revenue", 1000, 60), ("Churn Rate", 20, 40, "Lower")],
		customer_groups=[sales_dataset()],
		activate=True,
	)
	[name] = own(evaluation.create_due_evaluations(today="2026-10-01"), plan.name)
	doc = frappe.get_doc("CRM Plan Evaluation", name)
	doc.run_method("onload")
	explained = doc.get_onload().explanations
	revenue, churn = (explained[g.name] for g in doc.goals)
	assert "Target" in revenue and "1,000" in revenue and "Baseline" in revenue and "500" in revenue
	assert "Achievement = (actual - baseline) / (target - baseline)" in revenue
	assert "850" in revenue and "70 %" in revenue
	# churn: no baseline measured, so the actual is compared with the target, and the text says so
	assert "No baseline was measured" in churn and "Achievement = target / actual = 20 / 50 = 40 %" in churn

	html = frappe.get_print("CRM Plan", plan.name, "CRM Plan Document")
	assert "Achievement = (actual - baseline) / (target - baseline)" in html and "1,000" in html

	# a CRM User reads the goal and its achievement, not the amounts
	user = make_user("CRM User")
	frappe.set_user(user)
	doc = frappe.get_doc("CRM Plan Evaluation", name)
	doc.run_method("onload")
	revenue_text = doc.get_onload().explanations[doc.goals[0].name]
	assert "Achievement = (actual - baseline) / (target - baseline) = 70 %" in revenue_text
	assert "850" not in revenue_text and "1,000" not in revenue_text and "500" not in revenue_text


def test_a_kpi_that_fell_below_its_baseline_is_shown_as_such():
	plan = make_plan(goals=[("Revenue", 5000, 100)], customer_groups=[sales_dataset()], activate=True)
	frappe.db.set_value("CRM Plan Goal", plan.goals[0].name, "baseline_amount", 900)
	doc = evaluation.create(
		frappe.get_doc("CRM Plan", plan.name), "2026-07-01", "2026-09-30", scheduled_for="2026-09-30"
	)
	(revenue,) = doc.goals
	assert revenue.achievement == 0 and flt(revenue.actual_amount) == 850
	explained = doc.goal_explanations()[revenue.name]
	# (850 - 900) / (5,000 - 900): the revenue fell below its baseline, so no progress towards the target
	assert "850.00 - " in explained and "900.00)" in explained and "= -1.2 %" in explained
	assert "(kept between 0 % and 200 %: 0 %)" in explained
