"""CRM Plan evaluations: on schedule exactly once per due date, on demand, scored, charted and printed."""

import frappe
import pytest
from frappe.utils import getdate

from crm_plus.plans import api, evaluation, money
from tests.integration.factories import OUTSIDER_ROLE, document_sharing_disabled
from tests.integration.plan_helpers import evaluations, make_plan, own
from tests.integration.test_plans_kpis import sales_dataset


def dates(rows, field):
	return [str(getdate(row[field])) for row in rows]


def test_monthly_plan_from_31_january_is_evaluated_once_per_month_end_even_when_the_job_runs_twice():
	plan = make_plan(
		goals=[("Revenue", 1000, 100)],
		period_from="2026-01-31",
		period_to="2026-12-31",
		evaluation_frequency="Monthly",
		activate=True,
	)
	assert str(plan.next_evaluation_date) == "2026-02-28"
	# someone else's Active plan, due on the same days (the site holds the demo's and other users' plans)
	make_plan(
		goals=[("Revenue", 500, 100)],
		period_from="2026-01-31",
		period_to="2026-12-31",
		evaluation_frequency="Monthly",
		activate=True,
	)

	# the daily job evaluates every Active plan on the site: count only this test's plan
	first = own(evaluation.create_due_evaluations(today="2026-04-05"), plan.name)
	again = own(evaluation.create_due_evaluations(today="2026-04-05"), plan.name)
	assert len(first) == 2 and again == []
	rows = evaluations(plan.name)
	assert dates(rows, "scheduled_for") == ["2026-02-28", "2026-03-31"]
	assert dates(rows, "period_from") == ["2026-01-31", "2026-03-01"]
	assert dates(rows, "period_to") == ["2026-02-28", "2026-03-31"]
	assert {row.evaluation_type for row in rows} == {"Scheduled"}
	assert str(frappe.db.get_value("CRM Plan", plan.name, "next_evaluation_date")) == "2026-04-30"

	# a run that still sees the old next date (a concurrent worker) adds nothing either
	frappe.db.set_value("CRM Plan", plan.name, "next_evaluation_date", "2026-02-28")
	assert own(evaluation.create_due_evaluations(today="2026-04-05"), plan.name) == []
	assert len(evaluations(plan.name)) == 2

	# each evaluation gives the manager a ToDo
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": "CRM Plan Evaluation", "reference_name": ("in", [r.name for r in rows])},
		pluck="allocated_to",
	)
	assert todos == ["Administrator", "Administrator"]


def test_the_database_refuses_a_second_evaluation_for_the_same_due_date():
	plan = make_plan(goals=[("Revenue", 1000, 100)], activate=True)
	evaluation.create_due_evaluations(today="2026-10-01")
	row = evaluations(plan.name)[0]
	duplicate = frappe.copy_doc(frappe.get_doc("CRM Plan Evaluation", row.name))
	duplicate.scheduled_for = row.scheduled_for
	with pytest.raises(frappe.UniqueValidationError):
		duplicate.insert()


def test_quarterly_plan_is_evaluated_on_quarter_ends_and_stops_at_its_end():
	plan = make_plan(
		goals=[("New Customers", 5, 100)],
		period_from="2026-01-01",
		period_to="2026-12-31",
		activate=True,
	)
	# the job runs at midnight: on a quarter's last day that day is still to come, the day after it is over
	assert own(evaluation.create_due_evaluations(today="2026-03-31"), plan.name) == []
	assert len(own(evaluation.create_due_evaluations(today="2026-04-01"), plan.name)) == 1
	evaluation.create_due_evaluations(today="2026-10-01")
	rows = evaluations(plan.name)
	assert dates(rows, "period_to") == ["2026-03-31", "2026-06-30", "2026-09-30"]
	assert dates(rows, "period_from") == ["2026-01-01", "2026-04-01", "2026-07-01"]
	assert str(frappe.db.get_value("CRM Plan", plan.name, "next_evaluation_date")) == "2026-12-31"


def test_activation_captures_baselines_and_the_evaluation_scores_the_goals():
	group = sales_dataset()
	plan = make_plan(
		goals=[("Revenue", 1000, 60), ("Churn Rate", 20, 40, "Lower")],
		customer_groups=[group],
		activate=True,
	)
	plan.reload()
	assert plan.status == "Active"
	# revenue of April-June: 100 + 400; no churn measurable before (nobody bought in the window before)
	assert [(g.kpi, money.get(g, "baseline"), g.unit) for g in plan.goals] == [
		("Revenue", 500, "Amount"),
		("Churn Rate", 0, "%"),
	]

	[name] = own(evaluation.create_due_evaluations(today="2026-10-01"), plan.name)
	doc = frappe.get_doc("CRM Plan Evaluation", name)
	assert (str(doc.period_from), str(doc.period_to)) == ("2026-07-01", "2026-09-30")
	revenue, churn = doc.goals
	assert (revenue.actual_amount, revenue.achievement) == (850, 70)  # (850 - 500) / (1000 - 500)
	assert (churn.actual, churn.achievement) == (50, 40)  # target 20 / actual 50
	assert doc.weighted_score == 58  # (70 x 60 + 40 x 40) / 100
	assert frappe.db.get_value("CRM Plan", plan.name, "last_evaluation") == name
	assert frappe.db.get_value("CRM Plan", plan.name, "next_evaluation_date") is None

	doc.findings = "Churn is too high in the north."
	doc.submit()
	assert frappe.get_all("ToDo", filters={"reference_name": name}, pluck="status") == ["Closed"]

	trend = api.get_kpi_trend(plan.name)
	assert trend["labels"] and [(k["kpi"], k["values"]) for k in trend["kpis"]] == [
		("Revenue", [850]),
		("Churn Rate", [50]),
	]


def test_on_demand_evaluation_is_permission_checked_and_not_duplicated():
	plan = make_plan(goals=[("Revenue", 1000, 100)], period_from="2026-01-01", period_to="2026-12-31")
	with pytest.raises(frappe.ValidationError, match="Activate the plan"):
		api.evaluate_now(plan.name)
	plan.activate()

	name = api.evaluate_now(plan.name)["name"]
	assert api.evaluate_now(plan.name)["name"] == name  # the open draft is reused
	doc = frappe.get_doc("CRM Plan Evaluation", name)
	assert doc.evaluation_type == "On Demand" and not doc.scheduled_for
	# the current quarter up to today
	assert str(doc.period_from) == "2026-10-01" and doc.period_to == getdate()

	reader = _user("CRM User")
	frappe.set_user(reader)
	with pytest.raises(frappe.PermissionError):
		api.evaluate_now(plan.name)
	frappe.set_user("Administrator")
	stranger = _user(OUTSIDER_ROLE)
	frappe.set_user(stranger)
	with pytest.raises(frappe.PermissionError):
		api.get_kpi_trend(plan.name)


def test_print_format_renders_the_written_plan_with_its_latest_evaluation():
	plan = make_plan(
		goals=[("Revenue", 1000, 100)],
		budget_amount=25000,
		time_budget_hours=120,
		retention_plan="<p>Call every lapsed customer within a week.</p>",
		activate=True,
	)
	plan.reload()
	plan.append(
		"components",
		{"component": "Collections", "channels": "Phone, Email", "max_customer_wait_hours": 24},
	)
	plan.append("stage_owners", {"lifecycle_stage": "At Risk", "user": "Administrator"})
	plan.append("customer_goals", {"customer_want": "Reliability", "how_we_meet_it": "Next-day delivery"})
	plan.save()
	evaluation.create_due_evaluations(today="2026-10-01")

	html = frappe.get_print("CRM Plan", plan.name, print_format="CRM Plan Document")
	for expected in (
		plan.title,
		"Company Goals",
		"Revenue",
		"Collections",
		"Phone, Email",
		"At Risk",
		"Reliability",
		"Call every lapsed customer",
		"25,000",
		"Quarterly",
		"Latest Evaluation",
		plan.last_evaluation or frappe.db.get_value("CRM Plan", plan.name, "last_evaluation"),
	):
		assert expected in html, expected


def _user(role: str) -> str:
	email = f"crm-plan-{frappe.generate_hash(length=6)}@example.com"
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Plan",
			"send_welcome_email": 0,
			"roles": [{"role": role}],
		}
	).insert(ignore_permissions=True)
	return email


def _loaded(doctype: str, name: str):
	"""The document as the desk's form receives it (``getdoc``: amounts the user may not read removed)."""
	from frappe.desk.form.load import getdoc

	frappe.response.docs = []
	getdoc(doctype, name)
	return frappe.response.docs[0]


def test_a_crm_user_reads_plans_and_evaluations_without_their_amounts():
	group = sales_dataset()
	plan = make_plan(
		goals=[("Revenue", 1000, 60), ("Churn Rate", 20, 40, "Lower")],
		customer_groups=[group],
		budget_amount=25000,
		activate=True,
	)
	plan.reload()
	revenue = plan.goals[0]
	# the amounts live in the permlevel-1 twins; the plain fields of a goal in money stay empty
	assert (revenue.target, revenue.target_amount, revenue.baseline_amount) == (0, 1000, 500)
	[name] = own(evaluation.create_due_evaluations(today="2026-10-01"), plan.name)

	frappe.set_user(_user("CRM Manager"))
	assert _loaded("CRM Plan Evaluation", name).goals[0].actual_amount == 850
	assert [k["kpi"] for k in api.get_kpi_trend(plan.name)["kpis"]] == ["Revenue", "Churn Rate"]

	frappe.set_user(_user("CRM User"))
	try:
		seen = _loaded("CRM Plan", plan.name)
		assert seen.get("budget_amount") is None
		assert not any(k.endswith("_amount") and v for k, v in seen.goals[0].as_dict().items())
		assert seen.goals[1].target == 20  # a goal not in money reads as before
		evaluated = _loaded("CRM Plan Evaluation", name).goals
		assert not any(k.endswith("_amount") and v for k, v in evaluated[0].as_dict().items())
		assert evaluated[0].achievement == 70 and evaluated[1].actual == 50
		assert [k["kpi"] for k in api.get_kpi_trend(plan.name)["kpis"]] == ["Churn Rate"]
		html = frappe.get_print("CRM Plan", plan.name, print_format="CRM Plan Document")
		assert "Revenue" in html and "1,000" not in html and "850" not in html and "25,000" not in html

		# CRM Users only read plans; a role that may edit them but not their amounts cannot type an amount
		# into a goal's plain field either: refused, naming it
		mine = frappe.get_doc("CRM Plan", plan.name)
		mine.goals[0].target = 2000
		with pytest.raises(frappe.ValidationError, match="row 1: the Target of Revenue is an amount"):
			money.place(mine, mine.goals[0], "Company Goals")
	finally:
		frappe.set_user("Administrator")
	# a Sales Manager editing the plan sets the amount in its own field; the goal keeps the rest
	frappe.set_user(_user("Sales Manager"))
	try:
		mine = frappe.get_doc("CRM Plan", plan.name)
		mine.goals[0].target_amount = 1200
		mine.save()
	finally:
		frappe.set_user("Administrator")
	goal = frappe.get_doc("CRM Plan", plan.name).goals[0]
	assert (goal.target, goal.target_amount, goal.baseline_amount) == (0, 1200, 500)
	assert frappe.db.get_value("CRM Plan", plan.name, "budget_amount") == 25000


def test_a_manager_frappe_refuses_to_assign_still_gets_the_evaluation_made():
	# with document sharing disabled, Frappe refuses to assign a user who may not read evaluations
	plan = make_plan(goals=[("New Customers", 5, 100)], manager=_user(OUTSIDER_ROLE), activate=True)
	with document_sharing_disabled():
		[name] = own(evaluation.create_due_evaluations(today="2026-10-01"), plan.name)
	assert frappe.get_all("ToDo", filters={"reference_name": name}) == []
