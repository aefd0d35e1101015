"""Evaluate Now says which days it computes before the click and, after it, what was made, which goals had
nothing to measure, or that an evaluation of those days existed already (opened, not computed again)."""

import frappe
import pytest
from frappe.utils import add_days, formatdate, getdate

from crm_plus.plans import api, evaluation
from tests.integration.factories import make_customer_group
from tests.integration.plan_helpers import make_plan


def running_plan():
	today = getdate()
	return make_plan(
		goals=[("Revenue", 1000, 50), ("CSAT", 80, 50)],
		customer_groups=[make_customer_group()],  # nobody in it: CSAT has no answers to measure
		activate=True,
		period_from=add_days(today, -40),
		period_to=add_days(today, 320),
		evaluation_frequency="Monthly",
	)


def test_before_the_click_it_names_the_days_and_the_goals_and_makes_nothing():
	plan = running_plan()
	from_date, to_date = evaluation.on_demand_period(plan)
	before = api.before_evaluate(plan.name)
	assert (before["from_date"], before["to_date"], before["existing"]) == (from_date, to_date, None)
	assert before["message"] == (
		f"Evaluate Now computes each of the plan's 2 goals for {formatdate(from_date)} to "
		f"{formatdate(to_date)} (the current period up to today) into a draft evaluation, which you "
		"review and submit."
	)
	assert to_date == getdate()
	assert frappe.db.count("CRM Plan Evaluation", {"plan": plan.name, "evaluation_type": "On Demand"}) == 0


def test_after_the_click_it_names_the_goals_without_data_and_a_second_click_reuses():
	plan = running_plan()
	first = api.evaluate_now(plan.name)
	assert not first["reused"] and "CSAT" in first["no_data"]
	doc = frappe.get_doc("CRM Plan Evaluation", first["name"])
	days = f"{formatdate(doc.period_from)} to {formatdate(doc.period_to)}"
	assert first["message"].startswith(f"Evaluation {doc.name} made for {days}.")
	assert f"goals had nothing to measure in these days: {', '.join(first['no_data'])}." in first["message"]

	before = api.before_evaluate(plan.name)
	assert before["existing"] == doc.name
	assert before["message"].startswith(f"An evaluation of {days} exists already ({doc.name})")
	again = api.evaluate_now(plan.name)
	assert (again["name"], again["reused"]) == (doc.name, True)
	assert again["message"].startswith(
		f"An evaluation of {days} existed already and is opened as it was, not computed again."
	)


def test_a_draft_plan_is_refused_with_why():
	plan = make_plan(goals=[("Revenue", 1000, 100)])
	with pytest.raises(frappe.ValidationError, match="Activate the plan before evaluating it"):
		api.before_evaluate(plan.name)
