# ruff: noqa: RUF001 (Chinese text uses full-width punctuation)
"""A survey's questions per language, and the public page (/feedback) in the visitor's language with a
language switch: the visitor's choice, else the customer's language, else the browser's."""

import email
import email.header
import json

import frappe
import pytest
from frappe.translate import MERGED_TRANSLATION_KEY
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from crm_plus.feedback import api
from crm_plus.testing import make_outgoing_email_account
from crm_plus.www import feedback as page
from tests.integration.feedback_helpers import customer_with_contact, invite, make_survey, qid

QUESTIONS = [
	{"question": "How satisfied are you?", "question_type": "Rating", "required": 1},
	{
		"question": "What did you like?",
		"question_type": "Multiple Choice",
		"options": "Price\nQuality\nService",
	},
	{"question": "Anything else?", "question_type": "Free Text"},
]
TRADITIONAL = {
	"languages": [{"language": "zh-TW", "title": "滿意度調查", "introduction": "請花兩分鐘告訴我們。"}],
	"translations": [
		{"language": "zh-TW", "question_no": 1, "question": "您滿意嗎？"},
		{"language": "zh-TW", "question_no": 2, "question": "您喜歡什麼？", "options": "價格\n品質\n服務"},
		{"language": "zh", "question_no": 2, "question": "您喜欢什么？", "options": "价格\n质量\n服务"},
	],
}


@pytest.fixture(autouse=True)
def _request_state():
	"""The page sets the request's language and reads the form and headers: put them back afterwards."""
	lang, request = frappe.local.lang, getattr(frappe.local, "request", None)
	for code in ("zh", "zh-TW"):
		frappe.cache.hdel(MERGED_TRANSLATION_KEY, code)
	yield
	frappe.local.lang = lang
	frappe.local.request = request
	for key in ("token", "lang", "_lang"):
		frappe.form_dict.pop(key, None)


def browser(accept_language: str | None = None, cookie: str | None = None):
	headers = {"Accept-Language": accept_language} if accept_language else {}
	if cookie:
		headers["Cookie"] = f"preferred_language={cookie}"
	frappe.local.request = Request(EnvironBuilder(path="/feedback", headers=headers).get_environ())


def open_page(token: str, lang: str | None = None):
	frappe.form_dict.token = token
	if lang:
		frappe.form_dict.lang = lang
	else:
		frappe.form_dict.pop("lang", None)
	# as Frappe makes it before the page's get_context: the boot data in the request's language
	return page.get_context(frappe._dict(boot={"lang": frappe.local.lang}))


def translated_survey(**extra):
	return make_survey(questions=QUESTIONS, language="en", **TRADITIONAL, **extra)


def test_the_page_follows_the_visitors_choice_then_the_customer_then_the_browser():
	survey = translated_survey()
	customer, contact, _email = customer_with_contact()  # no language of its own
	token, _name = invite(survey, customer, contact)  # sent in Simplified Chinese (feedback_helpers)

	browser("zh-Hant-TW,zh;q=0.8,en;q=0.5")
	context = open_page(token)
	assert (context.lang, context.title, context.introduction) == (
		"zh-TW",
		"滿意度調查",
		"請花兩分鐘告訴我們。",
	)
	rating, likes, other = context.questions
	assert rating.text == "您滿意嗎？" and rating.low_label == "非常不滿意"
	# the options show in Traditional Chinese and keep the survey's own values, which the answer stores
	assert [(o.value, o.label) for o in likes.options] == [
		("Price", "價格"),
		("Quality", "品質"),
		("Service", "服務"),
	]
	assert other.text == "Anything else?"  # not translated: the survey's own text

	# the switch lists every language by its own name, this one marked, each link keeping the token
	switch = {language.code: language for language in context.languages}
	assert list(switch) == ["en", "zh", "zh-TW"]
	assert switch["zh-TW"].current and not switch["en"].current
	# Frappe's own name of each language (v15 names zh 简体中文, v16 中文)
	assert switch["zh"].name == frappe.db.get_value("Language", "zh", "language_name")
	assert switch["zh"].name in ("简体中文", "中文") and switch["zh-TW"].name == "繁體中文"
	assert switch["en"].url == f"/feedback?token={token}&lang=en"

	# the visitor's choice wins over the browser
	context = open_page(token, lang="en")
	assert (context.lang, context.title, context.questions[0].text) == (
		"en",
		survey.title,
		"How satisfied are you?",
	)
	assert context.questions[0].low_label == "Very dissatisfied"

	# the customer's own language wins over the browser's
	frappe.db.set_value("Customer", customer, "language", "zh")
	context = open_page(token)
	assert context.lang == "zh" and context.questions[1].text == "您喜欢什么？"
	assert context.boot["lang"] == "zh"  # <html lang> and the page's scripts speak it too
	assert context.title == survey.title  # no Simplified title: the survey's own

	# without a customer language, a browser that asks for nothing offered: the link's language
	frappe.db.set_value("Customer", customer, "language", None)
	browser("de-DE,fr;q=0.5")
	assert open_page(token).lang == "zh"
	# Frappe's language cookie counts as the browser's
	browser("en", cookie="zh-TW")
	assert open_page(token).lang == "zh-TW"


def test_a_broken_link_is_explained_in_the_browsers_language_with_the_switch():
	browser("zh-TW,zh;q=0.9")
	context = open_page("not-a-valid-token")
	assert context.state == "invalid" and context.lang == "zh-TW"
	assert context.message == "此問卷連結無效。請從您的電子郵件中開啟連結。"
	assert [(language.code, language.url) for language in context.languages] == [
		("en", "/feedback?token=not-a-valid-token&lang=en"),
		("zh", "/feedback?token=not-a-valid-token&lang=zh"),
		("zh-TW", "/feedback?token=not-a-valid-token&lang=zh-TW"),
	]
	assert open_page("not-a-valid-token", lang="en").message.startswith("This survey link is not valid")


def test_an_answer_keeps_the_language_it_was_given_in_and_the_surveys_own_options():
	survey = translated_survey()
	customer, contact, _email = customer_with_contact()
	token, name = invite(survey, customer, contact)
	frappe.local.lang = "zh-TW"
	api.submit(token, json.dumps({qid(survey, 0): 5, qid(survey, 1): ["Quality", "Service"]}), lang="zh_TW")
	response = frappe.get_doc("Feedback Response", {"invitation": name})
	assert response.language == "zh-TW"
	answers = {row.question: row.answer for row in response.answers}
	assert answers[qid(survey, 1)] == "Quality\nService"  # counted with the English answers
	# a label shown in another language is not an option: refused, the link stays usable
	token, _name = invite(survey, customer, contact)
	with pytest.raises(frappe.ValidationError):
		api.submit(token, json.dumps({qid(survey, 0): 5, qid(survey, 1): ["品質"]}), lang="zh-TW")
	# a language the page does not offer: the link's
	api.submit(token, json.dumps({qid(survey, 0): 4}), lang="xx")
	assert frappe.db.get_value("Feedback Response", {"invitation": _name}, "language") == "zh"


def test_translations_are_checked_and_follow_their_questions():
	survey = translated_survey()
	assert survey.language == "en"

	def refused(match: str, **change):
		doc = frappe.get_doc("Feedback Survey", survey.name)
		doc.update(change)
		with pytest.raises(frappe.ValidationError, match=match):
			doc.save()

	rows = [dict(row) for row in TRADITIONAL["translations"]]
	refused("no question 4", translations=[*rows, {"language": "zh-TW", "question_no": 4, "question": "?"}])
	refused("3 options", translations=[{**rows[1], "options": "價格\n品質"}])
	refused("no options to translate", translations=[{**rows[0], "options": "一"}])
	refused("translated twice", translations=[rows[0], {**rows[0], "question": "再一次"}])
	refused("own language", languages=[{"language": "en", "title": "Again"}])

	# questions moved and removed: each translation follows its own question, a removed one's goes
	doc = frappe.get_doc("Feedback Survey", survey.name)
	rating, likes, other = doc.questions
	doc.questions = [other, likes]
	for idx, row in enumerate(doc.questions, start=1):
		row.idx = idx
	doc.save()
	doc.reload()
	assert sorted((row.language, row.question_no, row.question) for row in doc.translations) == [
		("zh", 2, "您喜欢什么？"),
		("zh-TW", 2, "您喜歡什麼？"),
	]
	assert doc.texts("zh-TW").questions[1][0] == "您喜歡什麼？"
	assert doc.texts("zh-TW").questions[0][0] == "Anything else?"


def test_a_survey_without_a_language_is_written_in_the_sites():
	survey = make_survey()
	assert survey.language == (frappe.db.get_default("lang") or "en")


def test_the_invitation_email_carries_the_title_in_the_contacts_language():
	make_outgoing_email_account()
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_Test Feedback {frappe.generate_hash(length=6)}",
			"subject": "{{ survey_title }}",
			"use_html": 1,
			"response_html": '<a href="{{ link }}">{{ survey_title }}</a>',
		}
	).insert()
	survey = translated_survey(email_template=template.name)
	traditional, _c1, _e1 = customer_with_contact(language="zh-TW")
	english, _c2, _e2 = customer_with_contact(language="en")
	reply = api.send_survey(survey.name, [traditional, english])
	subjects = {}
	for name in reply["invitations"]:
		customer, queue = frappe.db.get_value("Feedback Invitation", name, ["customer", "email_queue"])
		message = email.message_from_string(frappe.db.get_value("Email Queue", queue, "message"))
		subjects[customer] = str(email.header.make_header(email.header.decode_header(message["Subject"])))
	assert subjects == {traditional: "滿意度調查", english: survey.title}
