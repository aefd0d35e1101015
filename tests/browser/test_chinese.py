# ruff: noqa: RUF001 (Chinese text uses full-width punctuation)
"""crm_plus's pages in Simplified and Traditional Chinese: every crm_plus string on them translated, the
labels that come from data too (stages, RFM segments, health labels, NPS categories, touchpoint types,
churn reasons, rule actions, KPI names), and zh-TW in its own Traditional characters.

Each test fails on any crm_plus string a page shows in English or in the other script
(``tests/browser/untranslated.py``), and, as every browser test, on any console or page error: the
workspace's charts and the adoption leaderboard used to log "Failed to execute 'removeChild'" and
"Filter missing"."""

import json

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_plus.feedback import invitations, tokens
from crm_plus.feedback.invitations import Recipient
from crm_plus.touchpoints import relationship
from tests.browser.conftest import ARTIFACTS, IGNORED
from tests.browser.test_adoption_desk import adoption_program
from tests.browser.test_crm_plan import draft_plan
from tests.browser.untranslated import assert_translated

CHINESE = ["zh", "zh-TW"]
pytestmark = pytest.mark.parametrize("lang", CHINESE)


def _customer_in(site_data, stage: str, segment: str, **figures) -> str:
	customer = site_data.customer()
	relationship.refresh([customer])
	frappe.db.set_value(
		"Customer Relationship",
		customer,
		{"lifecycle_stage": stage, "rfm_segment": segment, "health_label": "Healthy", **figures},
	)
	frappe.db.commit()
	return customer


def _charts_drawn(desk):
	"""The stage donut and the segment bars drawn (the touchpoint chart may have no data on the site)."""
	titles = [desk.__("Customers by Stage"), desk.__("RFM Segment Sizes")]
	desk.page.wait_for_function(
		"""(titles) => {
			const charts = [...document.querySelectorAll('.widget.dashboard-widget-box')];
			const drawn = (c) =>
				[...c.querySelectorAll('svg rect.bar')].some((r) => parseFloat(r.getAttribute('height')) > 0)
				|| c.querySelectorAll('svg .donut-slices path, svg .pie-slices path').length > 0;
			return titles.every((t) => charts.some((c) => c.innerText.includes(t) && drawn(c)));
		}""",
		arg=titles,
		timeout=30000,
	)


def test_the_workspace_shows_stages_and_segments_in_chinese(desk, site_data):
	_customer_in(site_data, "At Risk", "Champions")
	_customer_in(site_data, "Churned", "Lost")
	page = desk.goto("crm-plus")
	_charts_drawn(desk)
	# the charts are drawn without frappe-charts' entry animation: resizing the window while they are
	# drawn (the workspace lays itself out again) never throws "Failed to execute 'removeChild'"
	for i in range(30):
		page.set_viewport_size({"width": 1366 - 40 * (i % 2), "height": 900})
		page.wait_for_timeout(50)
	desk.idle()
	charts = " ".join(page.locator(".widget.dashboard-widget-box").all_inner_texts())
	for label in ("At Risk", "Churned", "Champions", "Lost"):
		assert desk.__(label) in charts, (label, charts)
	desk.screenshot("workspace-chinese", full_page=True)
	assert_translated(desk)


REPORTS = (
	"Customer Health",
	"RFM Segments",
	"Churn Risk",
	"Collections Follow-up",
	"Feedback Summary",
	"Competitor Insights",
	"CRM Adoption Leaderboard",
)


@pytest.mark.parametrize("report", REPORTS)
def test_a_report_shows_its_rows_labels_and_chart_in_chinese(desk, site_data, report):
	_customer_in(site_data, "Churned", "Lost", last_purchase_date=add_days(nowdate(), -400))
	if report == "CRM Adoption Leaderboard":
		adoption_program(site_data, desk.user)  # opened without a program: the report picks one
	page = desk.goto(f"query-report/{report}")
	page.wait_for_function("(name) => window.frappe?.query_report?.report_name === name", arg=report)
	nothing = desk.__("Nothing to show")
	page.locator(f".dt-scrollable:visible, .msg-box:visible:has-text('{nothing}')").first.wait_for()
	desk.idle()
	page.wait_for_timeout(1000)  # the chart
	if report == "CRM Adoption Leaderboard":
		assert page.evaluate("() => frappe.query_report.get_filter_value('program')")
	if report == "Churn Risk":
		assert desk.__("Churn threshold passed") in page.locator(".dt-scrollable:visible").first.inner_text()
	desk.screenshot(f"chinese-report-{report.replace(' ', '-').lower()}")
	assert_translated(desk)


def test_an_alert_shows_why_it_matched_in_chinese(desk, site_data):
	customer = site_data.customer()
	rule = site_data.insert(
		{
			"doctype": "Lifecycle Rule",
			"title": f"_CRM Browser rule {frappe.generate_hash(length=6)}",
			"enabled": 0,
			"condition": "overdue_invoice",
			"parameters": [{"parameter": "days", "value": 30}, {"parameter": "min_amount", "value": 0}],
			"action": "Assign ToDo",
			"responsible": "User",
			"responsible_user": desk.user,
		}
	)
	alert = site_data.insert(
		{
			"doctype": "Lifecycle Alert",
			"rule": rule.name,
			"customer": customer,
			"matched_on": frappe.utils.now_datetime(),
			"window_start": nowdate(),
			"status": "Open",
			"condition": "overdue_invoice",
			"explanation": "Invoice ACC-SINV-1 overdue by 80 days (2 overdue)",
			"facts": json.dumps({"days": 30, "invoices": 2, "days_overdue": 80, "invoice": "ACC-SINV-1"}),
			"matched_values": json.dumps({"min_amount": 0.0, "overdue_amount": "1080.00"}),
			"action": "Assign ToDo",
		}
	)
	page = desk.goto(f"lifecycle-alert/{alert.name}")
	desk.form("Lifecycle Alert")
	table = page.locator(".crm-plus-matched-values")
	table.wait_for()
	labels = table.locator("td.text-muted").all_inner_texts()
	assert desk.__("Minimum Amount") in labels and desk.__("Days Overdue") in labels, labels
	if desk.lang == "zh-TW":
		assert "最低金額" in labels  # not ERPNext's Simplified 最低金额 for "Min Amount"
	desk.screenshot("chinese-lifecycle-alert")
	assert_translated(desk)


def _survey(site_data, **extra):
	return site_data.insert(
		{
			"doctype": "Feedback Survey",
			"title": f"_CRM Browser survey {frappe.generate_hash(length=6)}",
			"audience": "Customer",
			"active": 1,
			"language": "en",
			"introduction": "Tell us how we did.",
			"questions": [
				{"question": "How satisfied are you?", "question_type": "Rating", "required": 1},
				{"question": "How likely are you to recommend us?", "question_type": "NPS"},
				{
					"question": "What did you like?",
					"question_type": "Multiple Choice",
					"options": "Low prices\nGood quality\nKind staff",
				},
			],
			**extra,
		}
	)


def test_a_feedback_response_and_its_timeline_entry_in_chinese(desk, site_data):
	customer = site_data.customer()
	survey = _survey(site_data)
	response = site_data.insert(
		{
			"doctype": "Feedback Response",
			"survey": survey.name,
			"customer": customer,
			"answers": [
				{"question": row.name, "answer": answer}
				for row, answer in zip(survey.questions, ("4", "7", "Good quality"), strict=True)
			],
		}
	)
	assert response.nps_category == "Passive"
	page = desk.goto(f"feedback-response/{response.name}")
	desk.form("Feedback Response")
	grid = page.locator('[data-fieldname="answers"] .grid-body').first
	grid.wait_for()
	assert desk.__("NPS") in grid.inner_text() and desk.__("Rating") in grid.inner_text()
	desk.screenshot("chinese-feedback-response")
	assert_translated(desk)

	# the Feedback touchpoint on the customer's timeline names the NPS category in the reader's language
	page = desk.goto(f"customer/{customer}")
	desk.form("Customer")
	item = page.locator(".timeline-item", has_text=desk.__("Passive")).first
	item.wait_for()
	assert "Passive" not in item.inner_text()
	assert_translated(desk)


def test_a_plan_evaluation_names_its_kpis_in_chinese(desk, site_data):
	from crm_plus.plans import evaluation

	plan = frappe.get_doc("CRM Plan", draft_plan(site_data, desk.user))
	plan.activate()
	made = evaluation.evaluate_on_demand(plan)
	frappe.db.commit()
	page = desk.goto(f"crm-plan-evaluation/{made.name}")
	desk.form("CRM Plan Evaluation")
	grid = page.locator('[data-fieldname="goals"] .grid-body').first
	grid.wait_for()
	assert desk.__("Revenue") in grid.inner_text() and desk.__("New Customers") in grid.inner_text()
	desk.screenshot("chinese-crm-plan-evaluation")
	assert_translated(desk)
	page = desk.goto(f"crm-plan/{plan.name}")
	desk.form("CRM Plan")
	assert_translated(desk)


TRANSLATIONS = {
	"languages": [
		{"language": "zh", "title": "满意度调查", "introduction": "请花两分钟告诉我们。"},
		{"language": "zh-TW", "title": "滿意度調查", "introduction": "請花兩分鐘告訴我們。"},
	],
	"translations": [
		{"language": "zh", "question_no": 1, "question": "您满意吗？"},
		{"language": "zh", "question_no": 2, "question": "您有多大可能推荐我们？"},
		{
			"language": "zh",
			"question_no": 3,
			"question": "您喜欢什么？",
			"options": "价格低\n质量好\n员工亲切",
		},
		{"language": "zh-TW", "question_no": 1, "question": "您滿意嗎？"},
		{"language": "zh-TW", "question_no": 2, "question": "您有多大可能推薦我們？"},
		{
			"language": "zh-TW",
			"question_no": 3,
			"question": "您喜歡什麼？",
			"options": "價格低\n品質好\n員工親切",
		},
	],
}
TITLES = {"zh": "满意度调查", "zh-TW": "滿意度調查"}
OTHER = {"zh": "zh-TW", "zh-TW": "zh"}


def test_a_survey_with_its_translations_in_the_desk(desk, site_data):
	survey = _survey(site_data, **TRANSLATIONS)
	page = desk.goto(f"feedback-survey/{survey.name}")
	desk.form("Feedback Survey")
	page.evaluate("() => cur_frm.fields_dict.translations_section.collapse(false)")  # a collapsed section
	grid = page.locator('[data-fieldname="translations"] .grid-body').first
	grid.scroll_into_view_if_needed()
	assert "您喜歡什麼？" in grid.inner_text()
	desk.screenshot("chinese-feedback-survey", full_page=True)
	assert_translated(desk)


def test_the_survey_page_follows_the_browser_and_switches_language(browser, base_url, site_data, lang):
	"""A customer without a language of its own opens its link in a browser set to ``lang``: the page and
	the survey are in that language; the switch shows it in the other script, and the answer is kept in the
	language it was given in, with the survey's own options."""
	survey = _survey(site_data, **TRANSLATIONS)
	customer = site_data.customer()
	token = tokens.new_token()
	invitation = invitations._insert(survey, Recipient(customer=customer, language="en"), token)
	site_data.track("Feedback Invitation", str(invitation))
	frappe.db.commit()
	errors = []
	context = browser.new_context(viewport={"width": 900, "height": 1100}, locale=lang)
	page = context.new_page()
	page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
	page.on("console", lambda m: m.type == "error" and not IGNORED.search(m.text) and errors.append(m.text))
	try:
		page.goto(f"{base_url}{invitations.PAGE}?token={token}", wait_until="networkidle")
		assert page.locator("html").get_attribute("lang") == lang
		assert page.locator("h1").inner_text() == TITLES[lang]
		switch = page.locator(".feedback-languages")
		assert switch.is_visible()
		assert switch.locator("[aria-current]").get_attribute("data-lang") == lang
		assert_translated(page, lang)

		# the switch: the other script, the same link
		other = OTHER[lang]
		with page.expect_navigation(wait_until="networkidle"):
			switch.locator(f"a[data-lang='{other}']").click()
		assert f"lang={other}" in page.url and f"token={token}" in page.url
		assert page.locator("html").get_attribute("lang") == other
		assert page.locator("h1").inner_text() == TITLES[other]
		assert_translated(page, other)
		ARTIFACTS.mkdir(parents=True, exist_ok=True)
		page.screenshot(path=str(ARTIFACTS / f"feedback-survey-switched-{lang}.png"), full_page=True)

		questions = page.locator(".feedback-question")
		questions.nth(0).locator('label:has(input[value="5"])').click()
		questions.nth(1).locator('label:has(input[value="9"])').click()
		choice = questions.nth(2).locator("label", has_text={"zh": "质量好", "zh-TW": "品質好"}[other])
		choice.locator("input").check()
		page.locator("#feedback-form button[type=submit]").click()
		thanks = page.locator(".feedback-thanks")
		thanks.wait_for(state="visible")
		assert_translated(page, other)

		frappe.db.rollback()  # see what the web server committed
		response = frappe.get_doc("Feedback Response", {"invitation": invitation})
		site_data.track("Feedback Response", str(response.name))
		assert response.language == other
		answers = {row.question_text: row.answer for row in response.answers}
		assert answers["What did you like?"] == "Good quality"  # the survey's own option, whatever was shown
		assert not errors, errors
	finally:
		context.close()
