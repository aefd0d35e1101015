"""CRM Plans and competitors: a plan lists and prints its notes; goals benchmarked against a competitor."""

import frappe
import pytest
from frappe.utils import getdate

from crm_plus.competitors.api import get_plan_notes
from crm_plus.plans import evaluation
from tests.integration.competitor_helpers import (
	make_competitor,
	make_note,
	many_test_users,
)
from tests.integration.factories import (
	OUTSIDER_ROLE,
	invoice,
	make_customer,
	make_customer_group,
	make_user,
)
from tests.integration.plan_helpers import make_plan

pytestmark = pytest.mark.usefixtures("many_test_users")


def test_plan_lists_and_prints_its_competitor_notes_as_far_as_the_reader_may_see_them():
	competitor, customer = make_competitor(), make_customer()
	plan = make_plan()
	general = make_note(
		competitor, crm_plan=plan.name, observation="Cheaper <b>bundles</b>", aspect="Promotion"
	)
	on_customer = make_note(competitor, crm_plan=plan.name, customer=customer, observation="Weekly visits")
	make_note(competitor, observation="Not for this plan")

	assert {n.name for n in get_plan_notes(plan.name)} == {general.name, on_customer.name}
	html = frappe.get_print("CRM Plan", plan.name, print_format="CRM Plan Document")
	assert "Competitor Notes" in html and "Weekly visits" in html and competitor in html
	assert "Cheaper &lt;b&gt;bundles&lt;/b&gt;" in html and "Not for this plan" not in html

	reader = make_user("CRM User", "CRM Manager")
	frappe.set_user(reader)
	if not frappe.has_permission("Customer", "read"):
		assert [n.name for n in get_plan_notes(plan.name)] == [general.name]
	frappe.set_user(make_user(OUTSIDER_ROLE))
	with pytest.raises(frappe.PermissionError):
		get_plan_notes(plan.name)


def test_goal_target_must_beat_the_competitor_benchmark():
	competitor = make_competitor()
	plan = make_plan()
	plan.append(
		"goals",
		{
			"kpi": "Revenue",
			"target": 800,
			"weight": 100,
			"competitor": competitor,
			"competitor_benchmark": 900,
		},
	)
	with pytest.raises(
		frappe.ValidationError, match="row 1: Target 800.* does not beat Competitor Benchmark 900"
	):
		plan.save()

	lower_goal = {
		"kpi": "Average Days to Pay",
		"direction": "Lower",
		"weight": 100,
		"competitor": competitor,
		"competitor_benchmark": 25,
	}
	plan.reload()
	plan.append("goals", {**lower_goal, "target": 30})
	with pytest.raises(frappe.ValidationError, match="does not beat"):
		plan.save()
	plan.reload()
	plan.append("goals", {**lower_goal, "target": 20})  # fewer days to pay than their 25
	plan.save()
	assert frappe.db.get_value("CRM Plan Goal", {"parent": plan.name}, "competitor_benchmark") == 25


def test_evaluation_says_whether_the_goal_beat_the_competitor_and_the_print_shows_it():
	group = make_customer_group()
	customer = make_customer(customer_group=group)
	invoice(customer, rate=900, posting_date="2026-08-10")
	first, second = make_competitor(), make_competitor()
	plan = make_plan(customer_groups=[group])
	plan.append(
		"goals",
		{"kpi": "Revenue", "target": 1000, "weight": 50, "competitor": first, "competitor_benchmark": 800},
	)
	plan.append(
		"goals",
		{"kpi": "Revenue", "target": 1000, "weight": 50, "competitor": second, "competitor_benchmark": 950},
	)
	plan.save()
	plan.activate()

	# this plan only: the daily job would evaluate (and commit) every due plan on the site
	[name] = evaluation.evaluate_due(frappe.get_doc("CRM Plan", plan.name), getdate("2026-10-01"))
	goals = frappe.get_doc("CRM Plan Evaluation", name).goals
	# revenue of July-September is 900: it beats 800 but not 950
	assert [
		(g.actual_amount, g.competitor, g.competitor_benchmark_amount, g.beats_competitor) for g in goals
	] == [
		(900, first, 800, 1),
		(900, second, 950, 0),
	]
	html = frappe.get_print("CRM Plan", plan.name, print_format="CRM Plan Document")
	assert "To Beat" in html and first in html and "Not Beaten" in html
