"""Feedback surveys on the real site: scores, survey links (single use, expiry), guests, refused answers,
the touchpoint, handling times and who may read what."""

import json

import frappe
import pytest
from frappe.utils import add_to_date, now_datetime

from crm_plus.feedback import api, invitations
from crm_plus.testing import make_outgoing_email_account
from crm_plus.www import feedback as page
from tests.integration.factories import make_user
from tests.integration.feedback_helpers import (
	customer_with_contact,
	invite,
	make_survey,
	qid,
	response_count,
)


@pytest.fixture(autouse=True)
def _restore_request_state():
	"""The survey page sets the request's language and reads the token from the form: as a web request
	would have its own, put them back for the tests that follow."""
	lang = frappe.local.lang
	# tests make users faster than Frappe's sign-up throttle (60 an hour) allows on a shared site
	limit = frappe.local.conf.get("throttle_user_limit")
	frappe.local.conf["throttle_user_limit"] = 100000
	yield
	frappe.local.lang = lang
	frappe.form_dict.pop("token", None)
	if limit is None:
		frappe.local.conf.pop("throttle_user_limit", None)
	else:
		frappe.local.conf["throttle_user_limit"] = limit


def _answers(survey, **by_index):
	return json.dumps({qid(survey, int(i[1:])): v for i, v in by_index.items()})


def test_desk_response_scores_every_question_type():
	survey = make_survey()
	customer, contact, _email = customer_with_contact()
	values = ["4", "6", "5", "Visit", "Service\nPrice", "No", "很好"]
	doc = frappe.get_doc(
		{
			"doctype": "Feedback Response",
			"survey": survey.name,
			"customer": customer,
			"contact": contact,
			"answers": [
				{"question": row.name, "answer": v} for row, v in zip(survey.questions, values, strict=True)
			],
		}
	).insert()
	assert (doc.csat, doc.nps_score, doc.nps_category, doc.effort_score) == (100.0, 6, "Detractor", 5.0)
	got = {row.question_type: (row.answer, row.value) for row in doc.answers}
	assert got == {
		"Rating": ("4", 4.0),
		"NPS": ("6", 6.0),
		"Customer Effort": ("5", 5.0),
		"Single Choice": ("Visit", None),
		"Multiple Choice": ("Price\nService", None),
		"Yes/No": ("No", 0.0),
		"Free Text": ("很好", None),
	}
	assert [row.question_text for row in doc.answers] == [q.question for q in survey.questions]
	# a rating of 3 is not satisfied; 9 is a promoter
	doc2 = frappe.get_doc(
		{
			"doctype": "Feedback Response",
			"survey": survey.name,
			"customer": customer,
			"answers": [
				{"question": qid(survey, 0), "answer": "3"},
				{"question": qid(survey, 1), "answer": "9"},
			],
		}
	).insert()
	assert (doc2.csat, doc2.nps_category, doc2.effort_score) == (0.0, "Promoter", None)


def test_link_answers_once_with_scores_and_touchpoint():
	survey = make_survey()
	customer, contact, _email = customer_with_contact()
	token, name = invite(survey, customer, contact)

	reply = api.submit(token, _answers(survey, q0=5, q1=10, q2=7, q4=["Quality"]), comment="服务很好")
	assert reply == {"status": "ok", "message": reply["message"]}  # the guest learns nothing else

	(response,) = frappe.get_all(
		"Feedback Response",
		filters={"invitation": name},
		fields=[
			"name",
			"customer",
			"contact",
			"csat",
			"nps_category",
			"effort_score",
			"channel",
			"touchpoint",
			"comment",
		],
	)
	assert (response.customer, response.contact, response.channel) == (customer, contact, "Email Link")
	assert (response.csat, response.nps_category, response.effort_score, response.comment) == (
		100.0,
		"Promoter",
		7.0,
		"服务很好",
	)
	touchpoint = frappe.get_doc("Customer Touchpoint", response.touchpoint)
	assert (touchpoint.customer, touchpoint.touchpoint_type, touchpoint.direction) == (
		customer,
		"Feedback",
		"Inbound",
	)
	assert (touchpoint.reference_doctype, touchpoint.reference_name) == (
		"Feedback Response",
		str(response.name),
	)
	invitation = frappe.db.get_value(
		"Feedback Invitation", name, ["used_at", "status", "response"], as_dict=True
	)
	assert (
		invitation.used_at and invitation.status == "Answered" and invitation.response == str(response.name)
	)

	# the same link again: refused, nothing written
	with pytest.raises(frappe.ValidationError, match="already been answered"):
		api.submit(token, _answers(survey, q0=1))
	assert response_count(survey) == 1
	assert invitations.lookup(token)[0] == invitations.USED
	frappe.form_dict.token = token
	context = page.get_context(frappe._dict())
	# the invitation is in Chinese (feedback_helpers), so is the page that says the link was used
	assert (context.state, context.lang, context.message) == ("used", "zh", "此问卷已作答。谢谢！")  # noqa: RUF001
	assert "questions" not in context


def test_claim_is_single_use_in_the_database():
	survey = make_survey()
	customer, contact, _email = customer_with_contact()
	_token, name = invite(survey, customer, contact)
	assert invitations.claim(name) is True
	assert invitations.claim(name) is False  # the conditional UPDATE changed no row


def test_expired_forged_and_missing_links_write_nothing():
	survey = make_survey()
	customer, contact, _email = customer_with_contact()
	token, name = invite(survey, customer, contact)
	frappe.db.set_value("Feedback Invitation", name, "expires_on", add_to_date(now_datetime(), hours=-1))

	for bad, state in ((token, "expired"), (token[:-2] + "xy", "invalid"), ("", "missing")):
		assert invitations.lookup(bad)[0] == state
		with pytest.raises(frappe.ValidationError):
			api.submit(bad, _answers(survey, q0=5))
		frappe.form_dict.token = bad
		context = page.get_context(frappe._dict())
		assert context.state == state and context.message and "questions" not in context
	assert invitations.claim(name) is False
	assert response_count(survey) == 0
	assert frappe.db.get_value("Feedback Invitation", name, "used_at") is None


@pytest.mark.parametrize(
	("answers", "named"),
	[
		({"q0": "6"}, "How satisfied are you with our service?"),  # out of range
		({"q0": "0"}, "How satisfied are you with our service?"),
		({"q1": "10"}, "How satisfied are you with our service?"),  # required question unanswered
		({"q0": "5", "q3": "Fax"}, "Which channel did you use?"),  # unknown option
		({"q0": "5", "q4": ["Price", "Speed"]}, "What did you like?"),
		({"q0": "5", "q2": "9"}, "How easy was it to get what you needed?"),
		({"q0": "5", "other": "5"}, "Question of another survey"),  # another survey's question
	],
)
def test_invalid_answers_are_refused_naming_the_question(answers, named):
	survey = make_survey()
	other = make_survey([{"question": "Question of another survey", "question_type": "Rating"}])
	customer, contact, _email = customer_with_contact()
	token, name = invite(survey, customer, contact)
	raw = {
		(qid(other, 0) if key == "other" else qid(survey, int(key[1:]))): value
		for key, value in answers.items()
	}

	with pytest.raises(frappe.ValidationError) as refused:
		api.submit(token, json.dumps(raw))
	assert named in str(refused.value)
	assert response_count(survey) == 0
	assert frappe.db.get_value("Feedback Invitation", name, "used_at") is None  # the link still works
	api.submit(token, json.dumps({qid(survey, 0): "5"}))
	assert response_count(survey) == 1


def test_guest_reads_only_the_survey_of_the_link():
	survey = make_survey()
	customer, contact, _email = customer_with_contact()
	customer_name = frappe.db.get_value("Customer", customer, "customer_name")
	token, _name = invite(survey, customer, contact)
	api.submit(token, _answers(survey, q0=2))  # a response the guest must not see
	token, _name = invite(survey, customer, contact)

	frappe.set_user("Guest")
	frappe.form_dict.token = token
	context = page.get_context(frappe._dict())
	assert context.state == "valid" and context.lang == "zh"
	assert [q.text for q in context.questions] == [q.question for q in survey.questions]
	dumped = frappe.as_json(context)
	assert customer not in dumped and customer_name not in dumped and contact not in dumped
	for doctype in ("Feedback Response", "Feedback Invitation", "Customer", "Customer Touchpoint"):
		with pytest.raises(frappe.PermissionError):
			frappe.get_list(doctype, filters={"customer" if doctype != "Customer" else "name": customer})
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Feedback Invitation", _name).check_permission("read")


def test_survey_email_goes_through_the_queue_with_a_working_link():
	make_outgoing_email_account()
	survey = make_survey()
	customer, contact, email = customer_with_contact(language="zh")
	reply = api.send_survey(survey.name, [customer])
	assert reply["sent"] == 1
	invitation = frappe.get_doc("Feedback Invitation", reply["invitations"][0])
	assert (invitation.customer, invitation.contact, invitation.email, invitation.language) == (
		customer,
		contact,
		email,
		"zh",
	)
	queued = frappe.get_doc("Email Queue", invitation.email_queue)
	assert email in [r.recipient for r in queued.recipients]
	token = _token_from(queued.message)
	assert invitations.lookup(token)[0] == invitations.VALID
	assert invitations.lookup(token)[1].name == invitation.name


def test_survey_email_is_written_in_the_contacts_language():
	make_outgoing_email_account()
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_Test Feedback {frappe.generate_hash(length=6)}",
			"subject": "{{ survey_title }}",
			"use_html": 1,
			"response_html": '<a href="{{ link }}">{{ _("Submit") }}</a>',
		}
	).insert()
	survey = make_survey(email_template=template.name)
	chinese, _c1, _e1 = customer_with_contact(language="zh")
	english, _c2, _e2 = customer_with_contact(language="en")
	before = frappe.local.lang
	reply = api.send_survey(survey.name, [chinese, english])
	assert reply["sent"] == 2
	bodies = {}
	for name in reply["invitations"]:
		invitation = frappe.db.get_value(
			"Feedback Invitation", name, ["customer", "email_queue"], as_dict=True
		)
		bodies[invitation.customer] = _body(
			frappe.db.get_value("Email Queue", invitation.email_queue, "message")
		)
	assert "提交" in bodies[chinese] and ">Submit<" in bodies[english]
	assert frappe.local.lang == before  # the sender's language is put back


def _body(message: str) -> str:
	import email as email_lib

	parsed = email_lib.message_from_string(message)
	return "\n".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in parsed.walk()
		if part.get_content_type() in ("text/html", "text/plain")
	)


def _token_from(message: str) -> str:
	import email as email_lib
	import re

	parsed = email_lib.message_from_string(message)
	bodies = [
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in parsed.walk()
		if part.get_content_type() in ("text/html", "text/plain")
	]
	match = re.search(r"/feedback\?token=([A-Za-z0-9_\-]+)", "\n".join(bodies))
	assert match, "no survey link in the e-mail"
	return match.group(1)


def test_support_team_reads_every_response_and_no_amounts():
	survey = make_survey()
	mine, contact, _email = customer_with_contact()
	theirs, contact2, _email2 = customer_with_contact()
	for customer, c in ((mine, contact), (theirs, contact2)):
		token, _name = invite(survey, customer, c)
		api.submit(token, _answers(survey, q0=1))

	support = make_user("Support Team")
	frappe.set_user(support)
	seen = frappe.get_list("Feedback Response", filters={"survey": survey.name}, pluck="customer")
	assert sorted(seen) == sorted([mine, theirs])
	response = frappe.get_doc("Feedback Response", {"customer": mine, "survey": survey.name})
	response.status = "Acknowledged"
	response.save()  # Support Team answers feedback
	for doctype in (
		"Sales Invoice",
		"Payment Entry",
		"GL Entry",
		"Customer Relationship",
		"Customer Touchpoint",
	):
		assert not frappe.has_permission(doctype, "read", user=support), doctype
	for doctype in ("Feedback Response", "Feedback Invitation", "Feedback Survey"):
		meta = frappe.get_meta(doctype)
		assert not [f for f in meta.fields if f.fieldtype in ("Currency",)], doctype

	# sales sees the responses of the customers it may read, not the others
	sales = make_user("Sales User")
	frappe.set_user("Administrator")
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": sales,
			"allow": "Customer",
			"for_value": mine,
			"apply_to_all_doctypes": 1,
		}
	).insert()
	frappe.set_user(sales)
	assert frappe.get_list("Feedback Response", filters={"survey": survey.name}, pluck="customer") == [mine]
	other = frappe.get_doc("Feedback Response", {"customer": theirs, "survey": survey.name})
	assert not other.has_permission("read")


def test_status_stamps_first_response_and_resolution():
	survey = make_survey()
	customer, contact, _email = customer_with_contact(account_manager=make_user("Sales User"))
	doc = frappe.get_doc(
		{
			"doctype": "Feedback Response",
			"survey": survey.name,
			"customer": customer,
			"submitted_on": add_to_date(now_datetime(), hours=-5),
			"answers": [{"question": qid(survey, 0), "answer": "2"}],
		}
	).insert()
	assert doc.responsible == frappe.db.get_value("Customer", customer, "account_manager")
	doc.status = "Acknowledged"
	doc.save()
	assert doc.acknowledged_on and 4.9 < doc.first_response_hours < 5.1 and not doc.resolved_on
	doc.status = "Resolved"
	doc.save()
	assert doc.resolved_on and 4.9 < doc.resolution_hours < 5.1
	doc.status = "New"
	with pytest.raises(frappe.ValidationError, match="cannot go back"):
		doc.save()


def test_staff_submit_a_suggestion_through_the_web_form():
	from frappe.website.doctype.web_form.web_form import accept

	staff = make_user("Employee")
	frappe.set_user(staff)
	data = {"subject": "Faster quotes", "comment": "Quote templates per customer group would save time."}
	doc = accept("staff-feedback", json.dumps(data))
	frappe.flags.in_web_form = False
	frappe.set_user("Administrator")
	saved = frappe.get_doc("Feedback Response", doc.name)
	assert (saved.audience, saved.employee_user, saved.channel, saved.owner) == (
		"Employee",
		staff,
		"Web Form",
		staff,
	)
	assert not saved.customer and not saved.touchpoint

	# a website (portal) user is not staff
	portal = frappe.get_doc(
		{
			"doctype": "User",
			"email": f"portal-{frappe.generate_hash(length=6)}@example.com",
			"first_name": "P",
			"user_type": "Website User",
			"send_welcome_email": 0,
		}
	).insert(ignore_permissions=True)
	frappe.set_user(portal.name)
	try:
		with pytest.raises(frappe.PermissionError):
			accept("staff-feedback", json.dumps(data))
	finally:
		frappe.flags.in_web_form = False


def test_sending_needs_access_to_the_customers():
	make_outgoing_email_account()
	survey = make_survey()
	customer, _contact, _email = customer_with_contact()
	frappe.set_user(make_user("CRM User"))  # reads invitations and responses, but not customers
	with pytest.raises(frappe.PermissionError):
		api.send_survey(survey.name, [customer])
	frappe.set_user("Administrator")
	assert frappe.db.count("Feedback Invitation", {"survey": survey.name}) == 0
	staff = make_user("Sales User")
	frappe.set_user(staff)
	assert api.send_survey(survey.name, [customer])["sent"] == 1
	staff_survey = make_survey_as_admin(audience="Employee")
	frappe.set_user(staff)
	with pytest.raises(frappe.ValidationError, match="not a customer survey"):
		api.send_survey(staff_survey, [customer])


def make_survey_as_admin(**extra) -> str:
	user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		return make_survey(**extra).name
	finally:
		frappe.set_user(user)


def test_install_ships_the_invitation_template_and_uninstall_removes_it():
	from crm_plus.feedback import setup

	assert frappe.db.exists("Email Template", invitations.DEFAULT_TEMPLATE)  # made by install / migrate
	setup.remove_defaults()
	assert not frappe.db.exists("Email Template", invitations.DEFAULT_TEMPLATE)
	setup.install_defaults()
	template = frappe.get_doc("Email Template", invitations.DEFAULT_TEMPLATE)
	assert "{{ link }}" in template.response_html and "survey_title" in template.subject


def test_a_guest_is_told_what_it_sent_never_another_surveys_question_or_a_raw_error():
	survey = make_survey()
	other = make_survey([{"question": "Secret question of another survey", "question_type": "Rating"}])
	customer, contact, _email = customer_with_contact()
	token, name = invite(survey, customer, contact)

	frappe.set_user("Guest")
	try:
		with pytest.raises(frappe.ValidationError) as refused:
			api.submit(token, json.dumps({qid(survey, 0): "5", qid(other, 0): "5"}))
		assert qid(other, 0) in str(refused.value) and "Secret" not in str(refused.value)
		with pytest.raises(frappe.ValidationError, match="per question"):
			api.submit(token, "{not json")
	finally:
		frappe.set_user("Administrator")
	assert response_count(survey) == 0
	assert frappe.db.get_value("Feedback Invitation", name, "used_at") is None


def test_sending_to_a_chosen_contact_needs_one_of_the_customers_and_an_active_survey():
	make_outgoing_email_account()
	survey = make_survey()
	customer, contact, email = customer_with_contact()
	stranger, strangers_contact, _email = customer_with_contact()

	with pytest.raises(frappe.ValidationError, match="is not a contact of"):
		api.send_survey(survey.name, [customer], contact=strangers_contact)
	with pytest.raises(frappe.ValidationError, match="is not a contact of"):
		api.send_survey(survey.name, [customer, stranger], contact=contact)
	assert frappe.db.count("Feedback Invitation", {"survey": survey.name}) == 0

	reply = api.send_survey(survey.name, [customer], contact=contact)
	assert reply["sent"] == 1
	assert frappe.db.get_value("Feedback Invitation", reply["invitations"][0], "email") == email

	frappe.db.set_value("Feedback Survey", survey.name, "active", 0)
	with pytest.raises(frappe.ValidationError, match="not active"):
		api.send_survey(survey.name, [customer])
	assert frappe.db.count("Feedback Invitation", {"survey": survey.name}) == 1
