# ruff: noqa: RUF001 (Chinese text uses full-width punctuation)
"""Data labels in the reader's language wherever crm_plus shows them: stages, RFM segments, health labels,
NPS categories, touchpoint types, churn reasons, rule actions, in charts, reports, alerts and the timeline.

Each test switches to ``zh-TW`` (whose strings must be its own Traditional ones, never the zh fallback) and
checks the figures it made, as the shared site holds other customers too."""

import json
import re

import frappe
import pytest
from frappe.translate import MERGED_TRANSLATION_KEY

from crm_plus import labels
from crm_plus.adoption.report.crm_adoption_leaderboard import crm_adoption_leaderboard
from crm_plus.feedback import api
from crm_plus.insights import distribution
from crm_plus.insights.report.churn_risk import churn_risk
from crm_plus.lifecycle import matched
from crm_plus.lifecycle.conditions import registry
from crm_plus.touchpoints import api as touchpoint_api
from crm_plus.touchpoints import relationship
from tests.integration.factories import invoice, make_customer, make_customer_group, make_user
from tests.integration.feedback_helpers import customer_with_contact, invite, make_survey, qid
from tests.unit.test_translations import CJK, LOCALE_DIR, SIMPLIFIED_ONLY, read_po


@pytest.fixture
def in_lang():
	"""Switch ``frappe.local.lang`` (with the translations as compiled now); back to English afterwards."""

	def switch(lang):
		frappe.cache.hdel(MERGED_TRANSLATION_KEY, lang)
		frappe.local.lang = lang

	yield switch
	frappe.local.lang = "en"


# doctype, field: the Select fields whose values are shown as labels
LABEL_FIELDS = (
	("Customer Relationship", "lifecycle_stage"),
	("Customer Relationship", "rfm_segment"),
	("Customer Relationship", "health_label"),
	("Customer Touchpoint", "touchpoint_type"),
	("Feedback Response", "nps_category"),
	("Lifecycle Rule", "action"),
	("Lifecycle Rule Stage", "lifecycle_stage"),
	("Customer Stage Change", "to_stage"),
	("Competitor Note", "aspect"),
)


def shown_labels() -> set[str]:
	found = {churn_risk.CHURN_THRESHOLD, churn_risk.FREQUENCY_FELL, *matched.VALUE_LABELS.values()}
	for doctype, fieldname in LABEL_FIELDS:
		found |= set(labels.options(doctype, fieldname))
	for condition in registry().values():
		found |= {condition.label, *(parameter.label for parameter in condition.parameters)}
	return found


@pytest.mark.parametrize("locale", ["zh", "zh_TW"])
def test_every_label_shown_from_data_has_its_chinese(locale):
	"""Stored English values are translated where shown: each must have its own translation (zh-TW in
	Traditional characters, not the zh fallback)."""
	po = read_po(LOCALE_DIR / f"{locale}.po")
	missing = sorted(
		label for label in shown_labels() if not CJK.search(getattr(po.get((None, label)), "msgstr", ""))
	)
	assert not missing, f"{locale}.po does not translate these labels: {missing}"
	if locale == "zh_TW":
		simplified = {
			label: po[(None, label)].msgstr
			for label in shown_labels()
			if SIMPLIFIED_ONLY & set(po[(None, label)].msgstr)
		}
		assert not simplified, simplified


def _chinese(text: str) -> bool:
	return bool(CJK.search(text)) and not re.search(r"[A-Za-z]{2,}", text)


def test_workspace_charts_label_stages_and_segments_in_the_readers_language(in_lang):
	customers = [make_customer() for _ in range(2)]
	relationship.refresh(customers)  # their relationships, counted under their first stage and segment
	fields = {"lifecycle_stage": ("At Risk", "Churned"), "rfm_segment": ("Champions", "Lost")}
	before = {field: distribution.counts(field) for field in fields}
	for i, customer in enumerate(customers):
		frappe.db.set_value(
			"Customer Relationship", customer, {field: made[i] for field, made in fields.items()}
		)
	in_lang("zh-TW")
	for field, made in fields.items():
		data = distribution.chart(field)
		shown = dict(zip(data["labels"], data["datasets"][0]["values"], strict=True))
		assert all(_chinese(label) for label in shown), shown
		for value in made:
			assert shown[frappe._(value)] >= before[field].get(value, 0) + 1, (field, value, shown)
		# in the field's order (stages from Prospect to Churned), as the legend lists them
		order = [frappe._(value) for value in labels.options("Customer Relationship", field)]
		assert data["labels"] == [label for label in order if label in shown]


def test_churn_risk_gives_its_reasons_in_the_readers_language(in_lang):
	group = make_customer_group()
	customer = make_customer(customer_group=group)
	invoice(customer, posting_date=frappe.utils.add_days(frappe.utils.nowdate(), -400))
	relationship.refresh([customer])
	in_lang("zh-TW")
	columns, data, _message, chart = churn_risk.execute({"churn_days": 365})
	(row,) = [row for row in data if row["customer"] == customer]
	assert row["reason"] == "超過流失閾值"
	assert chart["data"]["labels"] == ["超過流失閾值", "購買頻率下降"]
	assert all(
		_chinese(column["label"]) for column in columns if column["fieldname"] != "rfm_segment"
	), columns


def test_an_alerts_matched_values_are_labelled_in_the_readers_language(in_lang):
	alert = frappe.get_doc(
		{
			"doctype": "Lifecycle Alert",
			"condition": "overdue_invoice",
			"facts": json.dumps({"days": 30, "invoices": 2, "days_overdue": 80, "invoice": "ACC-SINV-1"}),
			"matched_values": json.dumps({"min_amount": 0.0, "overdue_amount": "1080.00"}),
			"action": "Assign ToDo",
		}
	)
	in_lang("zh-TW")
	alert.run_method("onload")
	shown = alert.get_onload()["shown"]
	assert shown["condition"] == frappe._(registry()["overdue_invoice"].label)
	assert _chinese(shown["condition"])
	values = {key: (value, label) for key, value, label in shown["values"]}
	# the label of the amount parameter is crm_plus's own Traditional one (not ERPNext's "Min Amount")
	assert values["min_amount"][1] == "最低金額"
	assert values["days_overdue"] == (80, "逾期天數")
	assert all(_chinese(label) for _value, label in values.values()), values

	# a reader who may not read amounts gets none, by key or by label
	frappe.set_user(make_user("CRM User"))
	alert.run_method("onload")
	keys = {key for key, _value, _label in alert.get_onload()["shown"]["values"]}
	assert keys == {"days", "invoices", "days_overdue", "invoice"}


def test_an_explanation_names_the_nps_category_and_segment_in_the_readers_language(in_lang):
	alert = frappe.get_doc(
		{
			"doctype": "Lifecycle Alert",
			"condition": "low_satisfaction",
			"facts": json.dumps(
				{
					"csat_below": 60,
					"days": 90,
					"response": "7",
					"submitted_on": "2026-12-01",
					"csat": 20,
					"nps_category": "Detractor",
				}
			),
		}
	)
	in_lang("zh-TW")
	text = alert.render_explanation(with_money=False)
	assert frappe._("Detractor") in text and "Detractor" not in text, text
	alert.run_method("onload")
	values = {key: value for key, value, _label in alert.get_onload()["shown"]["values"]}
	assert values["nps_category"] == frappe._("Detractor")


def test_the_timeline_shows_a_survey_answer_in_the_readers_language(in_lang):
	survey = make_survey(
		questions=[
			{"question": "How likely are you to recommend us?", "question_type": "NPS", "required": 1},
		]
	)
	customer, contact, _email = customer_with_contact()
	token, _name = invite(survey, customer, contact)
	in_lang("zh")
	api.submit(token, json.dumps({qid(survey, 0): 7}))  # answered in Simplified Chinese
	in_lang("zh-TW")
	(item,) = [
		i
		for i in touchpoint_api.timeline_content("Customer", customer)
		if "feedback-response" in i["content"]
	]
	assert "中立者" in item["content"] or frappe._("Passive") in item["content"], item
	assert frappe._("Passive") in item["content"] and "被动" not in item["content"], item
	in_lang("en")
	(item,) = [
		i
		for i in touchpoint_api.timeline_content("Customer", customer)
		if "feedback-response" in i["content"]
	]
	assert "(Passive)" in item["content"], item

	# a summary staff have rewritten is shown as they wrote it, in every language
	name = frappe.db.get_value(
		"Customer Touchpoint", {"customer": customer, "touchpoint_type": "Feedback"}, "name"
	)
	frappe.db.set_value("Customer Touchpoint", name, "summary", "Called back, all fine now")
	in_lang("zh-TW")
	(item,) = [
		i
		for i in touchpoint_api.timeline_content("Customer", customer)
		if "feedback-response" in i["content"]
	]
	assert "Called back, all fine now" in item["content"]


def test_the_adoption_leaderboard_without_a_program_says_what_to_choose():
	columns, data, message = crm_adoption_leaderboard.execute({})
	assert data == [] and columns and message
