"""A survey answer counts only for what the survey asked: a measure it did not ask stays empty (the
database keeps a number column's "nothing" as 0, so the response records what was asked), and satisfaction
is scored per NPS category as documented in ``feedback/scoring.py``."""

import json

import frappe
import pytest

from crm_plus.feedback import api
from crm_plus.feedback.report.feedback_summary import feedback_summary
from crm_plus.insights import health
from crm_plus.lifecycle import engine
from tests.integration.factories import invoice, make_customer_group
from tests.integration.feedback_helpers import customer_with_contact, invite, make_survey
from tests.integration.lifecycle_helpers import make_rule

NPS_ONLY = [{"question": "How likely are you to recommend us?", "question_type": "NPS", "required": 1}]
RATING_NPS_EFFORT = [
	{"question": "How satisfied are you?", "question_type": "Rating"},
	{"question": "How likely are you to recommend us?", "question_type": "NPS"},
	{"question": "How easy was it?", "question_type": "Customer Effort"},
]


def _answer(survey, customer, contact, *values) -> "frappe.model.document.Document":
	token, invitation = invite(survey, customer, contact)
	raw = {survey.questions[i].name: value for i, value in enumerate(values) if value is not None}
	api.submit(token, json.dumps(raw))
	return frappe.get_doc("Feedback Response", {"invitation": invitation})


@pytest.mark.parametrize(
	("answer", "category", "satisfaction"), [(8, "Passive", 50), (9, "Promoter", 100), (6, "Detractor", 0)]
)
def test_an_nps_only_answer_has_no_csat_nor_effort_and_scores_by_its_category(answer, category, satisfaction):
	group = make_customer_group()
	customer, contact, _email = customer_with_contact(customer_group=group)
	invoice(customer, rate=100)
	response = _answer(make_survey(NPS_ONLY), customer, contact, answer)
	assert (response.nps_score, response.nps_category) == (answer, category)
	assert (response.has_csat, response.has_effort) == (0, 0)
	assert response.satisfaction == satisfaction
	# the timeline says what was asked, nothing about CSAT or effort
	summary = frappe.db.get_value("Customer Touchpoint", response.touchpoint, "summary")
	assert summary == f"NPS {answer} ({category})"
	# saved again (acknowledged), what was not asked stays out
	response.status = "Acknowledged"
	response.save()
	assert frappe.db.get_value("Customer Touchpoint", response.touchpoint, "summary") == summary
	# the form shows CSAT and Customer Effort only when asked
	meta = frappe.get_meta("Feedback Response")
	assert meta.get_field("csat").depends_on == "has_csat"
	assert meta.get_field("effort_score").depends_on == "has_effort"

	# the health score's satisfaction is the category's, not a CSAT of 0
	health.recompute(commit=False, customers=[customer])
	breakdown = json.loads(frappe.db.get_value("Customer Relationship", customer, "health_breakdown"))
	assert breakdown["inputs"][5] == satisfaction

	# a Passive or a Promoter with no Rating question is not "low satisfaction"; a Detractor is
	rule = make_rule(group, "low_satisfaction", {"csat_below": 60, "days": 90})
	matched = engine.matches(rule)
	assert [m.customer for m in matched] == ([customer] if category == "Detractor" else [])
	if matched:
		assert "CSAT —" in matched[0].public_explanation


def test_satisfaction_is_the_mean_of_the_measures_asked():
	customer, contact, _email = customer_with_contact()
	response = _answer(make_survey(RATING_NPS_EFFORT), customer, contact, 3, 8, 7)
	# rating 3 -> 50, Passive -> 50, effort 7 -> 100
	assert (response.has_csat, response.has_effort) == (1, 1)
	assert response.csat == 0 and response.effort_score == 7
	assert response.satisfaction == pytest.approx(200 / 3, abs=0.01)
	summary = frappe.db.get_value("Customer Touchpoint", response.touchpoint, "summary")
	assert summary == "CSAT 0%; NPS 8 (Passive); Effort 7.0"


def test_the_summary_chart_leaves_out_what_no_survey_asked():
	survey = make_survey(NPS_ONLY)
	group = make_customer_group()
	for answer in (10, 8):
		customer, contact, _email = customer_with_contact(customer_group=group)
		_answer(survey, customer, contact, answer)
	today = frappe.utils.nowdate()
	filters = {"from_date": frappe.utils.add_days(today, -30), "to_date": today, "survey": survey.name}
	_columns, (row,), _message, chart = feedback_summary.execute({**filters, "customer_group": group})
	assert (row["csat"], row["effort"], row["nps"]) == (None, None, 50)
	# no CSAT or Customer Effort line at 0: the survey never asked for them
	assert [d["name"] for d in chart["data"]["datasets"]] == ["Responses", "NPS"]
