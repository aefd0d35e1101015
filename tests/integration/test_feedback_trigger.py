"""Surveys sent by the trigger job, the lifecycle condition and action, the KPIs, the report and the rate
limit of the public endpoint, on the real site."""

import json
import random
from types import SimpleNamespace

import frappe
import pytest
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from crm_plus.feedback import api, trigger
from crm_plus.feedback.report.feedback_summary import feedback_summary
from crm_plus.lifecycle import engine
from crm_plus.plans import kpis
from crm_plus.testing import make_outgoing_email_account
from tests.integration.factories import forget_rate_limit, invoice, make_customer_group
from tests.integration.feedback_helpers import (
	customer_with_contact,
	invite,
	make_survey,
	qid,
)
from tests.integration.lifecycle_helpers import alerts, make_rule

RATING_NPS_EFFORT = [
	{"question": "How satisfied are you?", "question_type": "Rating"},
	{"question": "How likely are you to recommend us?", "question_type": "NPS"},
	{"question": "How easy was it?", "question_type": "Customer Effort"},
]


@pytest.fixture(autouse=True)
def _restore_request_state():
	"""The survey page sets the request's language and reads the token from the form: as a web request
	would have its own, put them back for the tests that follow."""
	lang = frappe.local.lang
	yield
	frappe.local.lang = lang
	frappe.form_dict.pop("token", None)


def _delivery(customer: str, days_ago: int):
	from erpnext.stock.doctype.delivery_note.test_delivery_note import create_delivery_note

	return create_delivery_note(
		customer=customer, posting_date=add_days(nowdate(), -days_ago), qty=1, rate=50
	)


def _invitations(survey, customers) -> list[dict]:
	return frappe.get_all(
		"Feedback Invitation",
		filters={"survey": survey.name, "customer": ("in", customers)},
		fields=["customer", "reference_doctype", "reference_name", "email_queue", "status"],
		order_by="reference_name",
	)


def test_trigger_sends_one_survey_per_delivery_never_twice_within_the_customer_limit():
	make_outgoing_email_account()
	frappe.db.set_single_value("Stock Settings", "allow_negative_stock", 1)
	survey = make_survey(RATING_NPS_EFFORT, trigger="Delivery Note", delay_days=1, min_days_between=30)
	a, _ca, _ea = customer_with_contact()
	b, _cb, _eb = customer_with_contact()
	c, _cc, _ec = customer_with_contact()
	a1, a2 = _delivery(a, 2), _delivery(a, 3)  # two deliveries: the limit allows one survey
	b1 = _delivery(b, 2)
	_delivery(c, 0)  # not due yet (delay of one day)
	_delivery(c, 30)  # too old (beyond the catch-up window)

	first = trigger.run(survey.name)
	again = trigger.run(survey.name)  # the job runs twice: nothing more
	trigger.hourly()

	sent = _invitations(survey, [a, b, c])
	assert [(i.customer, i.reference_name) for i in sent] == sorted(
		[(a, a2.name), (b, b1.name)], key=lambda pair: pair[1]
	)
	assert all(i.email_queue and i.status == "Sent" for i in sent)
	assert len(first) >= 2 and again == []
	assert frappe.db.count(
		"Email Queue",
		{"reference_doctype": "Feedback Invitation", "reference_name": ("in", [str(n) for n in first])},
	) == len(first)
	assert a1.name not in [i.reference_name for i in sent]

	# another survey with its own trigger respects the same per-customer limit
	other = make_survey(RATING_NPS_EFFORT, trigger="Delivery Note", delay_days=1, min_days_between=30)
	trigger.run(other.name)
	assert _invitations(other, [a, b]) == []


def test_trigger_unique_key_holds_even_without_the_check():
	survey = make_survey(RATING_NPS_EFFORT, trigger="Sales Invoice", delay_days=0, min_days_between=0)
	customer, contact, email = customer_with_contact()
	si = invoice(customer)
	(row,) = [r for r in trigger.candidates(survey, frappe.utils.getdate()) if r.customer == customer]
	chosen = trigger.choose(survey, [row])
	first = trigger.invitations.send(survey.name, chosen)
	second = trigger.invitations.send(survey.name, chosen)  # as if a second run had read the same rows
	assert len(first) == 1 and second == []
	assert frappe.db.count("Feedback Invitation", {"survey": survey.name, "reference_name": si.name}) == 1


def test_closed_issue_is_due_after_its_resolution():
	survey = make_survey(RATING_NPS_EFFORT, trigger="Issue", delay_days=1, min_days_between=0)
	customer, _contact, email = customer_with_contact()
	issue = frappe.get_doc(
		{"doctype": "Issue", "subject": "Broken delivery", "customer": customer, "raised_by": email}
	).insert()
	due = [r.reference_name for r in trigger.candidates(survey, frappe.utils.getdate())]
	assert issue.name not in due  # open
	frappe.db.set_value(
		"Issue",
		issue.name,
		{"status": "Closed", "modified": add_to_date(now_datetime(), days=-2)},
		update_modified=False,
	)
	rows = [r for r in trigger.candidates(survey, frappe.utils.getdate()) if r.reference_name == issue.name]
	assert [(r.customer, r.email) for r in rows] == [(customer, email)]


def _respond(survey, customer, contact, rating=None, nps=None, effort=None, days_ago=0):
	token, _name = invite(survey, customer, contact)
	raw = {}
	for index, value in enumerate((rating, nps, effort)):
		if value is not None:
			raw[qid(survey, index)] = value
	api.submit(token, json.dumps(raw))
	response = frappe.db.get_value("Feedback Response", {"invitation": _name}, "name")
	if days_ago:
		frappe.db.set_value(
			"Feedback Response", response, "submitted_on", add_to_date(now_datetime(), days=-days_ago)
		)
	return response


def test_kpis_csat_nps_and_effort_of_known_answers():
	group = make_customer_group()
	survey = make_survey(RATING_NPS_EFFORT)
	nps_answers = [10, 9, 9, 8, 7, 6, 0, 3, 10, 10]  # 5 promoters, 2 passives, 3 detractors
	ratings = [5, 4, 3, 1, 5, 4, 2, 5, 4, 1]  # 6 of 10 satisfied
	efforts = [7, 6, 5, 4, 3, 7, 6, 5, 4, 3]
	for nps, rating, effort in zip(nps_answers, ratings, efforts, strict=True):
		customer, contact, _email = customer_with_contact(customer_group=group)
		_respond(survey, customer, contact, rating, nps, effort)
	outsider, contact, _email = customer_with_contact()
	_respond(survey, outsider, contact, 1, 0, 1)  # another segment
	segment = kpis.Segment(company="_Test Company", customer_groups=(group,))
	today = nowdate()

	assert kpis.compute("NPS", segment, add_days(today, -7), today) == pytest.approx(100.0 * (5 - 3) / 10)
	assert kpis.compute("CSAT", segment, add_days(today, -7), today) == pytest.approx(60.0)
	assert kpis.compute("Customer Effort", segment, add_days(today, -7), today) == pytest.approx(5.0)
	assert kpis.compute("NPS", segment, add_days(today, -60), add_days(today, -30)) is None


def test_low_satisfaction_condition_and_send_survey_action():
	make_outgoing_email_account()
	group = make_customer_group()
	survey = make_survey(RATING_NPS_EFFORT)
	unhappy, c1, e1 = customer_with_contact(customer_group=group)
	happy, c2, _e2 = customer_with_contact(customer_group=group)
	recovered, c3, _e3 = customer_with_contact(customer_group=group)
	_respond(survey, unhappy, c1, rating=5, nps=4)  # detractor
	_respond(survey, happy, c2, rating=5, nps=10)
	_respond(survey, recovered, c3, rating=1, days_ago=3)
	_respond(survey, recovered, c3, rating=5, nps=9)  # the last one counts
	rule = make_rule(
		group,
		"low_satisfaction",
		{"csat_below": 60, "days": 90},
		action="Send Survey",
		feedback_survey=survey.name,
	)
	assert [m["customer"] for m in engine.matches(rule)] == [unhappy]

	engine.run_rule(rule.name)
	(alert,) = alerts(rule)
	assert alert.customer == unhappy and alert.email_queue and e1 in alert.action_taken
	invitation = frappe.get_all(
		"Feedback Invitation",
		filters={"reference_doctype": "Lifecycle Alert", "reference_name": str(alert.name)},
		fields=["customer", "email", "survey"],
	)
	assert invitation == [{"customer": unhappy, "email": e1, "survey": survey.name}]

	with pytest.raises(frappe.ValidationError):
		make_rule(group, "low_satisfaction", {"csat_below": 60, "days": 90}, action="Send Survey")


def test_unanswered_feedback_counts_responses_until_acknowledged():
	group = make_customer_group()
	survey = make_survey(RATING_NPS_EFFORT)
	customer, contact, _email = customer_with_contact(customer_group=group)
	response = _respond(survey, customer, contact, rating=2)
	touchpoint = frappe.db.get_value("Feedback Response", response, "touchpoint")
	frappe.db.set_value(
		"Customer Touchpoint",
		touchpoint,
		"creation",
		add_to_date(now_datetime(), hours=-30),
		update_modified=False,
	)
	rule = make_rule(group, "unanswered_feedback", {"hours": 24})
	assert [m["customer"] for m in engine.matches(rule)] == [customer]

	doc = frappe.get_doc("Feedback Response", response)
	doc.status = "Acknowledged"
	doc.save()
	assert engine.matches(rule) == []


def test_feedback_summary_report_over_time_and_per_question():
	survey = make_survey(RATING_NPS_EFFORT)
	group = make_customer_group()
	for rating, nps in ((5, 10), (2, 3), (4, 9)):
		customer, contact, _email = customer_with_contact(customer_group=group)
		_respond(survey, customer, contact, rating=rating, nps=nps)
	filters = {"from_date": add_days(nowdate(), -30), "to_date": nowdate(), "survey": survey.name}

	columns, data, _message, chart = feedback_summary.execute({**filters, "customer_group": group})
	assert [c["fieldname"] for c in columns] == ["period", "responses", "csat", "nps", "effort"]
	(row,) = data
	assert row["responses"] == 3
	assert row["csat"] == pytest.approx(200 / 3) and row["nps"] == pytest.approx(100 * (2 - 1) / 3)
	assert chart["data"]["datasets"][0]["values"] == [3]

	_columns, rows = feedback_summary.execute({**filters, "view": "Per Question"})
	rating_rows = {r["answer"]: r["count"] for r in rows if r["question"] == "How satisfied are you?"}
	assert rating_rows == {"5": 1, "2": 1, "4": 1}
	other_group = make_customer_group()
	assert feedback_summary.execute({**filters, "customer_group": other_group})[1] == []


def test_guest_posts_are_rate_limited():
	request, request_ip = getattr(frappe.local, "request", None), getattr(frappe.local, "request_ip", None)
	frappe.local.request = SimpleNamespace(method="POST")
	frappe.local.request_ip = f"203.0.113.{random.randint(1, 254)}"
	frappe.form_dict.cmd = f"crm_plus.feedback.api.submit.{frappe.generate_hash(length=6)}"
	try:
		for _ in range(api.RATE_LIMIT):
			with pytest.raises(frappe.ValidationError) as refused:
				api.submit("forged-token")
			assert not isinstance(refused.value, frappe.RateLimitExceededError)
		with pytest.raises(frappe.RateLimitExceededError):
			api.submit("forged-token")
	finally:
		forget_rate_limit(frappe.form_dict.cmd, api.RATE_WINDOW, frappe.local.request_ip)
		frappe.local.request_ip = request_ip
		if request is None:  # no request before, none after: Frappe tests hasattr(frappe.local, "request")
			del frappe.local.request
		else:
			frappe.local.request = request
		frappe.form_dict.pop("cmd", None)
