"""Sending a survey says what it will do and, when nothing goes out, why and how to fix it; a refused send
leaves no invitation; an invitation can be sent again with a new link."""

import json

import frappe
import pytest

from crm_plus import readiness
from crm_plus.feedback import api, invitations, trigger
from crm_plus.testing import make_outgoing_email_account
from tests.integration.factories import invoice, make_customer, make_user
from tests.integration.feedback_helpers import customer_with_contact, invite, make_survey


@pytest.fixture
def no_outgoing_email(monkeypatch):
	"""The site as made by ``bench new-site``: no outgoing e-mail account, e-mails not muted, so Frappe
	refuses to queue an e-mail (``OutgoingEmailError``). Undone with the test's rollback."""
	frappe.db.sql("update `tabEmail Account` set enable_outgoing = 0, default_outgoing = 0")
	for key in ("mail_server", "mute_emails"):
		monkeypatch.delitem(frappe.local.conf, key, raising=False)
	monkeypatch.setattr(frappe.flags, "mute_emails", False)
	frappe.local.outgoing_email_account = {}  # Frappe's per-process cache of the account it found
	yield
	frappe.local.outgoing_email_account = {}


def _invitations(survey) -> int:
	return frappe.db.count("Feedback Invitation", {"survey": survey.name})


def test_a_customer_without_a_contact_is_told_before_and_after_and_leaves_no_invitation():
	make_outgoing_email_account()
	survey = make_survey()
	customer = make_customer()

	before = api.survey_recipients([customer], survey.name)
	assert before["recipients"] == [] and before["problems"] == []
	(refused,) = before["refused"]
	assert refused["customer"] == customer
	assert refused["reason"] == f"{customer} has no contact with an e-mail address."
	assert refused["fix"]["new_contact_for"] == customer and refused["fix"]["label"] == "Add a contact"

	reply = api.send_survey(survey.name, [customer])
	assert (reply["sent"], reply["invitations"]) == (0, [])
	assert reply["refused"] == before["refused"]
	assert (
		reply["message"]
		== f"Nothing was sent. {customer} has no contact with an e-mail address. Add a contact."
	)
	api.send_survey(survey.name, [customer])  # every try: still nothing recorded
	assert _invitations(survey) == 0

	# the fix: a contact with an e-mail address (not even marked primary) and the same send goes out
	email = f"fix-{frappe.generate_hash(length=6)}@example.com"
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Lin",
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert()
	# as the desk asks, with the dialog's empty Contact field
	(will,) = api.survey_recipients(json.dumps([customer]), survey.name, contact="")["recipients"]
	assert will["email"] == email
	reply = api.send_survey(survey.name, [customer], contact="")
	assert reply["sent"] == 1 and reply["refused"] == []
	assert frappe.db.get_value("Feedback Invitation", reply["invitations"][0], "email") == email


def test_a_primary_contact_without_an_e_mail_address_gives_way_to_one_with_it_or_is_named():
	make_outgoing_email_account()
	survey = make_survey()
	customer = make_customer()
	bare = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "No",
			"last_name": "Mail",
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert()
	frappe.db.set_value("Customer", customer, "customer_primary_contact", bare.name)

	(refused,) = api.survey_recipients([customer], survey.name)["refused"]
	assert refused["reason"] == f"Contact No Mail of {customer} has no e-mail address."
	assert refused["fix"]["route"] == ["Form", "Contact", bare.name]

	_other, with_address, email = customer_with_contact()  # this contact, with an address, is theirs too
	contact = frappe.get_doc("Contact", with_address)
	contact.append("links", {"link_doctype": "Customer", "link_name": customer})
	contact.save()
	(will,) = api.survey_recipients([customer], survey.name)["recipients"]
	assert (will["contact"], will["email"]) == (contact.name, email)


def test_a_bulk_send_sends_what_it_can_and_names_the_others():
	make_outgoing_email_account()
	survey = make_survey()
	reachable, _contact, email = customer_with_contact()
	unreachable = make_customer()
	reply = api.send_survey(survey.name, [reachable, unreachable])
	assert reply["sent"] == 1
	assert [r["customer"] for r in reply["refused"]] == [unreachable]
	assert reply["message"].startswith("Survey e-mailed to 1 of 2 customers.")
	assert f"{unreachable} has no contact with an e-mail address." in reply["message"]
	assert frappe.get_all("Feedback Invitation", filters={"survey": survey.name}, pluck="customer") == [
		reachable
	]


def test_without_an_outgoing_account_nothing_is_sent_or_recorded_and_the_fix_is_named(no_outgoing_email):
	survey = make_survey()
	customer, _contact, _email = customer_with_contact()
	assert not readiness.can_queue_email()

	before = api.survey_recipients([customer], survey.name)
	(problem,) = before["problems"]
	assert (
		problem["reason"] == "No outgoing e-mail account is set up on this site, so no e-mail can be queued."
	)
	assert problem["fix"]["route"] == ["Form", "Email Account", "new"]

	reply = api.send_survey(survey.name, [customer])
	assert (reply["sent"], reply["invitations"]) == (0, [])
	assert reply["problems"] == before["problems"]
	assert "Set up an outgoing e-mail account" in reply["message"]
	assert _invitations(survey) == 0

	# someone who may not set one up is told whom to ask
	frappe.set_user(make_user("Sales User"))
	(problem,) = api.send_survey(survey.name, [customer])["problems"]
	assert problem["fix"] == {
		"label": "Ask your System Manager to set up an outgoing e-mail account",
		"route": None,
	}
	frappe.set_user("Administrator")
	assert _invitations(survey) == 0

	# the trigger job writes nothing either: once an account exists it surveys what came due
	triggered = make_survey(trigger="Sales Invoice", delay_days=0, min_days_between=0)
	invoice(customer)
	assert trigger.run(triggered.name) == []
	assert _invitations(triggered) == 0


def test_an_e_mail_frappe_refuses_to_queue_leaves_no_invitation(monkeypatch):
	make_outgoing_email_account()
	survey = make_survey()
	customer, _contact, _email = customer_with_contact()

	def refuse(**kwargs):
		raise frappe.OutgoingEmailError("no account")

	monkeypatch.setattr(frappe, "sendmail", refuse)
	reply = api.send_survey(survey.name, [customer])
	assert (reply["sent"], reply["invitations"]) == (0, [])
	assert "Nothing was sent." in reply["message"]
	assert _invitations(survey) == 0


def test_held_e_mail_is_said_before_and_after():
	make_outgoing_email_account()
	survey = make_survey()
	customer, _contact, _email = customer_with_contact()
	held = (
		"Sending is suspended on this site: the e-mail stays in the Email Queue until someone presses "
		"Resume Sending there."
	)
	frappe.db.set_default("suspend_email_queue", 1)
	try:
		assert api.survey_recipients([customer], survey.name)["held"] == held
		reply = api.send_survey(survey.name, [customer])
		assert reply["sent"] == 1 and reply["held"] == held and held in reply["message"]
	finally:
		# defaults are cached beside the database: leave the cache as the rollback leaves the table
		frappe.db.set_default("suspend_email_queue", 0)


def _queued_token(invitation) -> str:
	import email as email_lib
	import re

	message = frappe.db.get_value(
		"Email Queue", frappe.db.get_value("Feedback Invitation", invitation, "email_queue"), "message"
	)
	bodies = "\n".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in email_lib.message_from_string(message).walk()
		if part.get_content_type() == "text/html"
	)
	return re.search(r"/feedback\?token=([^\"&<\s]+)", bodies).group(1)


def test_an_invitation_is_sent_again_with_a_new_link_and_the_old_one_stops_working():
	make_outgoing_email_account()
	survey = make_survey()
	customer, _contact, email = customer_with_contact()
	(name,) = api.send_survey(survey.name, [customer])["invitations"]
	old_token, old_queue = (
		_queued_token(name),
		frappe.db.get_value("Feedback Invitation", name, "email_queue"),
	)
	assert invitations.lookup(old_token)[0] == invitations.VALID

	reply = api.resend_invitation(name)
	assert reply["sent"] and reply["email"] == email
	assert reply["message"] == (
		f"Survey e-mail queued to {email} with a new link; the old link no longer works."
	)
	doc = frappe.get_doc("Feedback Invitation", name)
	assert doc.status == "Sent" and doc.email_queue != old_queue
	assert invitations.lookup(old_token)[0] == invitations.INVALID
	state, found = invitations.lookup(_queued_token(name))
	assert (state, found.name) == (invitations.VALID, name)
	assert not frappe.db.exists("Email Queue", old_queue)  # never went out: taken out of the queue
	assert frappe.db.count("Feedback Invitation", {"survey": survey.name}) == 1
	assert frappe.db.exists(
		"Comment",
		{"reference_doctype": "Feedback Invitation", "reference_name": str(name), "comment_type": "Info"},
	)


def test_a_not_sent_invitation_of_the_trigger_is_sent_again_once_the_customer_has_an_address():
	make_outgoing_email_account()
	survey = make_survey()
	customer = make_customer()
	_token, name = invite(survey, customer, reference_doctype="Sales Invoice", reference_name="SINV-X")
	frappe.db.set_value("Feedback Invitation", name, {"status": "Not Sent", "email": None})

	reply = api.resend_invitation(name)
	assert not reply["sent"]
	assert (
		reply["message"]
		== f"Nothing was sent. {customer} has no contact with an e-mail address. Add a contact."
	)
	assert frappe.db.get_value("Feedback Invitation", name, ["status", "email_queue"]) == ("Not Sent", None)

	email = f"later-{frappe.generate_hash(length=6)}@example.com"
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Later",
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert()
	assert api.resend_invitation(name)["sent"]
	row = frappe.db.get_value(
		"Feedback Invitation", name, ["status", "email", "reference_name"], as_dict=True
	)
	assert (row.status, row.email, row.reference_name) == ("Sent", email, "SINV-X")


def test_an_answered_invitation_is_not_sent_again_and_a_stranger_may_not():
	make_outgoing_email_account()
	survey = make_survey()
	customer, contact, _email = customer_with_contact()
	_token, name = invite(survey, customer, contact)
	frappe.db.set_value(
		"Feedback Invitation", name, {"status": "Answered", "used_at": frappe.utils.now_datetime()}
	)
	with pytest.raises(frappe.ValidationError, match="answered"):
		api.resend_invitation(name)

	_token, other = invite(survey, customer, contact)
	frappe.set_user(make_user("Accounts User"))  # reads customers, not their survey invitations
	with pytest.raises(frappe.PermissionError):
		api.resend_invitation(other)
