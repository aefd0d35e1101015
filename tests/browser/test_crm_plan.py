"""A CRM Plan in the desk: activate, Evaluate Now, and the KPI trend chart drawn from one evaluation."""

import frappe
from frappe.utils import add_days, getdate


def draft_plan(site_data, user: str) -> str:
	company = frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
	today = getdate()
	return site_data.insert(
		{
			"doctype": "CRM Plan",
			"title": f"_CRM Browser plan {frappe.generate_hash(length=6)}",
			"company": company,
			"manager": user,
			"period_from": add_days(today, -40),
			"period_to": add_days(today, 320),
			"evaluation_frequency": "Monthly",
			"goals": [
				{"kpi": "Revenue", "target": 1000, "weight": 50, "direction": "Raise"},
				{"kpi": "New Customers", "target": 100000, "weight": 50, "direction": "Raise"},
			],
		}
	).name


def test_plan_activate_evaluate_now_and_the_trend_chart(desk, site_data):
	plan = draft_plan(site_data, desk.user)
	page = desk.goto(f"crm-plan/{plan}")
	# Revenue is an amount: kept in its permlevel-1 field, shown in the goal grid's Target column
	cell = '[data-fieldname="goals"] .grid-row[data-idx="1"] .grid-static-col[data-fieldname="target"]'
	page.wait_for_function(f"() => document.querySelector('{cell}')?.innerText.includes('1,000')")
	page.get_by_role("button", name=desk.__("Activate"), exact=True).click()
	desk.idle()
	assert frappe.db.get_value("CRM Plan", plan, "status") == "Active"

	page.get_by_role("button", name=desk.__("Evaluate Now"), exact=True).click()
	# before anything is made, it says which days it computes for how many goals
	said = page.locator(".modal.show .crm-plus-evaluate-plan").last
	said.wait_for()
	assert " 2 " in said.inner_text()  # the plan's two goals
	page.wait_for_timeout(600)  # the dialog's fade-in
	desk.screenshot("crm-plan-evaluate-now")
	page.locator(".modal.show .btn-primary", has_text=desk.__("Yes")).last.click()
	desk.wait_for_route("crm-plan-evaluation/")
	desk.form("CRM Plan Evaluation")
	desk.close_dialogs()  # what it says about goals that had nothing to measure
	# achievements and the score with one decimal, and which goals are behind, for which period
	intro = page.locator(".form-message", has_text=desk.__("New Customers")).first
	intro.wait_for()  # the goal far below target is named beside the score
	assert (
		page.evaluate(
			"() => String(frappe.meta.get_docfield('CRM Plan Evaluation', 'weighted_score').precision)"
		)
		== "1"
	)
	# how each goal's achievement was calculated: the interim evaluation's share of the monthly target
	explained = page.locator(".crm-plus-achievement")
	explained.first.wait_for()
	assert explained.count() == 2
	revenue = page.locator('.crm-plus-achievement[data-kpi="Revenue"]').inner_text()
	assert desk.__("Achievement") in revenue
	desk.screenshot("crm-plan-evaluation")

	page = desk.goto(f"crm-plan/{plan}")
	page.locator('[data-fieldname="trend_html"]').scroll_into_view_if_needed()
	# one evaluation: actual against target as bars (a one-point line chart draws nothing)
	bars = page.locator(".crm-plan-trend .crm-plan-bar")
	bars.first.wait_for(state="attached")
	assert bars.count() >= 2
	assert page.locator(".crm-plan-trend").count() == 2  # one per goal
	desk.screenshot("crm-plan-trend")

	# a second evaluation: the trend is a line chart, drawn without SVG errors
	from crm_plus.plans import evaluation

	doc = frappe.get_doc("CRM Plan", plan)
	evaluation.create(doc, add_days(getdate(), -40), add_days(getdate(), -20))
	frappe.db.commit()
	page = desk.goto(f"crm-plan/{plan}")
	page.locator('[data-fieldname="trend_html"]').scroll_into_view_if_needed()
	page.locator(".crm-plan-trend svg path.line-graph-path").first.wait_for(state="attached")
	desk.idle()
