# ruff: noqa: RUF001 (Chinese text uses full-width punctuation)
"""Each persona walks its own path through the desk, in en, zh and zh-TW, logged in with only its roles (the
harness fails on any refused request, page error or crm_plus string left untranslated):

- **account manager** (Sales User + CRM User): *My Customers Today* lists their open alert and overdue ToDo;
  *Log Call* on the alert opens the call prefilled; whom they spoke to, the outcome and the next follow-up
  saved, the alert is resolved and the follow-up is a ToDo on the page; the customer shows no money.
- **sales manager** (Sales Manager + Sales User + CRM Manager): a new lifecycle rule applies to every company
  (nothing filled in), and its Preview, matching nobody, says why.
- **accounts** (Accounts User): the customer's relationship with its amounts; touchpoints read, not logged.
- **support agent** (Support Team): opens a customer without its transactions, sends it a survey, and
  acknowledges and resolves the answer, whose submitted rows stay as submitted.
- **staff** (a desk user who is an employee): sends a suggestion through the staff feedback form and finds
  the adoption board.
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import frappe
import pytest
from frappe.desk.form import assign_to
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from crm_plus.lifecycle.actions import assign

SCREENSHOT = Path(__file__).parents[2] / "docs" / "screenshots" / "my-customers-today.png"


def contact_for(site_data, customer: str, language: str | None = None) -> str:
	address = f"browser-{frappe.generate_hash(length=8)}@example.com"
	contact = site_data.insert(
		{
			"doctype": "Contact",
			"first_name": "Mei",
			"last_name": f"Lin {frappe.generate_hash(length=4)}",
			"email_ids": [{"email_id": address, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			**({"language": language} if language else {}),
		}
	).name
	frappe.db.set_value("Customer", customer, "customer_primary_contact", contact)
	frappe.db.commit()
	return contact


def open_alert(site_data, customer: str, user: str):
	"""An open lifecycle alert of ``customer`` with its ToDo for ``user``, as a rule's run makes it."""
	rule = site_data.insert(
		{
			"doctype": "Lifecycle Rule",
			"title": f"_CRM Browser rule {frappe.generate_hash(length=6)}",
			"enabled": 0,
			"condition": "few_followups",
			"parameters": [{"parameter": "count", "value": 1}, {"parameter": "days", "value": 30}],
			"action": "Assign ToDo",
		}
	).name
	alert = site_data.insert(
		{
			"doctype": "Lifecycle Alert",
			"rule": rule,
			"customer": customer,
			"status": "Open",
			"window_start": nowdate(),
			"condition": "few_followups",
			"facts": frappe.as_json({"count": 0, "days": 30}),
		}
	).name
	todo = assign("Lifecycle Alert", alert, user, "Call them")
	frappe.db.set_value("Lifecycle Alert", alert, {"todo": todo, "responsible_user": user})
	frappe.db.commit()
	return str(alert), todo


def todo_on(site_data, customer: str, user: str, days: int, description: str) -> str:
	assign_to.add(
		{
			"assign_to": [user],
			"doctype": "Customer",
			"name": customer,
			"description": description,
			"date": add_days(nowdate(), days),
		},
		ignore_permissions=True,
	)
	name = frappe.db.get_value(
		"ToDo", {"reference_type": "Customer", "reference_name": customer, "allocated_to": user}, "name"
	)
	site_data.track("ToDo", name)
	frappe.db.commit()
	return name


def save(desk, doctype_route: str):
	"""Ctrl+S on the form, waiting until the saved document's route is shown."""
	desk.page.keyboard.press("Control+s")
	desk.wait_for_route(rf"{doctype_route}/(?!new)[^/]+$")
	desk.idle()
	return desk.page.url.rstrip("/").split("/")[-1]


@pytest.mark.parametrize("persona", ["account_manager"])
def test_account_manager_works_the_day_from_my_customers_today(desk, site_data):
	customer = site_data.customer(account_manager=desk.user)
	contact = contact_for(site_data, customer)
	alert, alert_todo = open_alert(site_data, customer, desk.user)
	todo_on(site_data, customer, desk.user, -2, "Send the signed contract")
	customer_name = frappe.db.get_value("Customer", customer, "customer_name")

	page = desk.goto("my-customers-today")
	row = page.locator(f'.crm-plus-my-day-alert[data-alert="{alert}"]')
	row.wait_for()
	assert customer_name in row.inner_text()
	page.locator('[data-section="overdue"]').get_by_text("Send the signed contract").wait_for()
	desk.screenshot("my-customers-today")

	# one click from the alert to the call, prefilled with the customer, its primary contact and the alert
	row.locator(".crm-plus-log-call").click()
	desk.form("Customer Touchpoint")
	page.wait_for_function("(c) => cur_frm.doc.contact === c", arg=contact)
	assert page.evaluate(
		"() => [cur_frm.doc.customer, String(cur_frm.doc.lifecycle_alert), cur_frm.doc.touchpoint_type, cur_frm.doc.resolve_alert]"
	) == [customer, alert, "Call", 1]
	page.locator('.frappe-control[data-fieldname="outcome"] select').select_option("Follow-up Agreed")
	page.locator('.frappe-control[data-fieldname="summary"] textarea').fill("Wants the new price list")
	follow_up = add_days(nowdate(), 3)
	page.evaluate("(d) => cur_frm.set_value('next_follow_up', d)", str(follow_up))
	desk.idle()
	desk.screenshot("touchpoint-call-from-alert")
	name = save(desk, "customer-touchpoint")
	site_data.track("Customer Touchpoint", name)

	frappe.db.rollback()  # see what the web server committed
	tp = frappe.db.get_value(
		"Customer Touchpoint", name, ["contact", "outcome", "user", "follow_up_todo"], as_dict=True
	)
	assert (tp.contact, tp.outcome, tp.user) == (contact, "Follow-up Agreed", desk.user)
	site_data.track("ToDo", tp.follow_up_todo)
	todo = frappe.db.get_value("ToDo", tp.follow_up_todo, ["allocated_to", "date", "status"], as_dict=True)
	assert (todo.allocated_to, getdate(todo.date), todo.status) == (desk.user, getdate(follow_up), "Open")
	assert frappe.db.get_value("Lifecycle Alert", alert, "status") == "Resolved"
	assert frappe.db.get_value("ToDo", alert_todo, "status") == "Closed"

	# the day again: the alert is answered, the follow-up is coming
	page = desk.goto("my-customers-today")
	upcoming = page.locator('[data-section="upcoming"]')
	upcoming.locator(f'.crm-plus-my-day-todo[data-todo="{tp.follow_up_todo}"]').wait_for()
	assert customer_name in upcoming.inner_text()
	assert page.locator(f'.crm-plus-my-day-alert[data-alert="{alert}"]').count() == 0
	shot = desk.screenshot("my-customers-today-after-the-call")
	if desk.lang == "en" and (os.environ.get("CRM_PLUS_UPDATE_SCREENSHOTS") or not SCREENSHOT.exists()):
		# the README's picture; refreshed on request only, so a test run leaves the tree clean
		SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
		shutil.copy(shot, SCREENSHOT)

	# the customer as an account manager sees it: the relationship without money
	page = desk.goto(f"customer/{customer}")
	box = page.locator(".crm-plus-relationship")
	box.wait_for()
	assert desk.__("Lifecycle Stage") in box.inner_text()
	assert desk.__("Lifetime Revenue") not in box.inner_text()


@pytest.mark.parametrize("persona", ["sales_manager"])
def test_sales_manager_makes_a_rule_for_every_company_and_its_preview_says_why_nobody(desk, site_data):
	# a customer outside the rule's group (made first, so it is not put in that group) meets the
	# condition: its feedback has waited 30 hours
	waiting = frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": site_data.customer(),
			"touchpoint_type": "Feedback",
			"direction": "Inbound",
			"channel": "Email",
			"summary": "The delivery was late",
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"Customer Touchpoint", waiting.name, "creation", add_to_date(now_datetime(), hours=-30)
	)
	frappe.db.commit()
	group = site_data.insert(
		{
			"doctype": "Customer Group",
			"customer_group_name": f"_CRM Browser {frappe.generate_hash(length=6)}",
			"parent_customer_group": "All Customer Groups",
		}
	).name
	page = desk.goto("lifecycle-rule/new")
	desk.form("Lifecycle Rule")
	# Frappe used to fill in the manager's default company, restricting the rule without a word
	page.wait_for_function("() => !cur_frm.doc.company")
	title = f"_CRM Browser rule {frappe.generate_hash(length=6)}"
	page.locator('.frappe-control[data-fieldname="title"] input').fill(title)
	page.evaluate(
		"""([group]) => {
			cur_frm.set_value("condition", "unanswered_feedback");
			cur_frm.set_value("customer_group", group);
		}""",
		[group],
	)
	desk.idle()
	save(desk, "lifecycle-rule")
	site_data.track("Lifecycle Rule", title)
	assert not frappe.db.get_value("Lifecycle Rule", title, "company")

	page.get_by_role("button", name=desk.__("Preview"), exact=True).click()
	message = page.locator(".modal.show .msgprint").last
	message.get_by_text(desk.__("No customer matches this rule now.")).wait_for()
	problem = message.locator(".crm-plus-problem").first
	problem.wait_for()
	assert group in problem.inner_text()  # the restriction that leaves the waiting customer out, by name
	page.wait_for_timeout(600)  # the dialog's fade-in
	desk.screenshot("lifecycle-rule-preview-nobody")
	desk.close_dialogs()


@pytest.mark.parametrize("persona", ["accounts"])
def test_accounts_reads_the_relationship_with_its_amounts(desk, site_data):
	customer = site_data.customer()
	frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": "Call",
			"summary": "Reminded them of the invoice",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	page = desk.goto(f"customer/{customer}")
	box = page.locator(".crm-plus-relationship")
	box.get_by_text(desk.__("Lifetime Revenue"), exact=True).wait_for()
	desk.screenshot("customer-accounts")
	# touchpoints are read, not logged, by accounts
	page = desk.goto(f"customer-touchpoint?customer={customer}")
	page.locator(".list-row-container .list-row").first.wait_for()
	assert not page.locator(".primary-action:visible").count()


@pytest.mark.parametrize("persona", ["support"])
def test_support_agent_surveys_a_customer_and_handles_the_answer(desk, site_data, lang):
	from tests.browser.test_feedback_survey import ensure_outgoing_account, rating_survey

	ensure_outgoing_account(site_data)
	survey = rating_survey(site_data, "_Browser Support Survey")
	customer = site_data.customer()
	contact_for(site_data, customer, language=lang)

	# the customer without its transactions: no billing figures, no relationship, no ledger or invoices
	page = desk.goto(f"customer/{customer}")
	desk.form("Customer")
	group = f'.inner-group-button[data-label="{quote(desk.__("Feedback"))}"]'
	page.locator(f"{group} button").first.wait_for()
	text = page.locator(".page-container:visible").first.inner_text()
	assert desk.__("Annual Billing: {0}").split("{0}")[0].strip(": ") not in text
	assert not page.locator(".crm-plus-relationship").count()
	linked = page.locator(".form-links .document-link:visible").evaluate_all(
		"(els) => els.map((e) => e.getAttribute('data-doctype'))"
	)
	assert not {"Sales Invoice", "Payment Entry", "Sales Order", "Customer Touchpoint"} & set(linked), linked
	desk.screenshot("customer-support")

	# a survey sent from the customer, as any sales user would
	page.locator(f"{group} button").first.click()
	page.locator(f'{group} [data-label="{quote(desk.__("Send Survey"))}"]').click()
	dialog = page.locator(".modal.show")
	field = dialog.locator('.frappe-control[data-fieldname="survey"] input')
	field.click()
	field.fill(survey.title)
	dialog.get_by_role("option").filter(has_text=survey.title).first.click()
	dialog.locator(".crm-plus-will-send").wait_for()
	desk.idle()
	desk.screenshot("support-send-survey")
	dialog.locator(".btn-primary").click()
	page.wait_for_function("() => !document.querySelector('.modal.show .crm-plus-will-send')")
	desk.idle()
	frappe.db.rollback()
	invitations = frappe.get_all(
		"Feedback Invitation", filters={"survey": survey.name, "customer": customer}, pluck="name"
	)
	for name in invitations:
		site_data.track("Feedback Invitation", str(name))
		site_data.track("Email Queue", frappe.db.get_value("Feedback Invitation", name, "email_queue"))
	assert len(invitations) == 1

	# the customer's answer, handled: acknowledged, resolved; what they submitted stays as submitted
	question = survey.questions[0].name
	response = site_data.insert(
		{
			"doctype": "Feedback Response",
			"survey": survey.name,
			"customer": customer,
			"channel": "Email Link",
			"comment": "The delivery was late",
			"answers": [{"question": question, "answer": "2"}],
		}
	).name
	page = desk.goto(f"feedback-response/{response}")
	desk.form("Feedback Response")
	grid = page.locator('.frappe-control[data-fieldname="answers"]')
	grid.locator(".grid-body").wait_for()
	for control in (".grid-add-row", ".grid-upload", ".grid-remove-rows", ".grid-duplicate-row"):
		assert not grid.locator(f"{control}:visible").count(), control
	for status, button in (("Acknowledged", "Acknowledge"), ("Resolved", "Resolve")):
		page.locator(".page-actions button:visible", has_text=desk.__(button)).first.click()
		page.wait_for_function("(s) => cur_frm.doc.status === s && !cur_frm.is_dirty()", arg=status)
		desk.idle()
	desk.screenshot("feedback-response-resolved")
	frappe.db.rollback()
	assert frappe.db.get_value("Feedback Response", response, "status") == "Resolved"


@pytest.mark.parametrize("persona", ["staff"])
def test_staff_send_a_suggestion_and_find_the_adoption_board(desk, site_data):
	page = desk.page
	page.goto(f"{desk.base_url}/staff-feedback/new", wait_until="domcontentloaded")
	subject = f"_Browser suggestion {frappe.generate_hash(length=6)}"
	page.locator('[data-fieldname="subject"] input').fill(subject)
	page.locator('[data-fieldname="comment"] textarea').fill("A button to log a call from the phone")
	desk.check_language()
	desk.screenshot("staff-feedback")
	page.locator(
		".web-form-footer .submit-btn, .web-form-actions .submit-btn, button.submit-btn"
	).first.click()
	page.locator(".success-page, .web-form-success, .success-message").first.wait_for()
	frappe.db.rollback()
	name = frappe.db.get_value("Feedback Response", {"subject": subject}, "name")
	assert name and frappe.db.get_value("Feedback Response", name, "owner") == desk.user
	site_data.track("Feedback Response", str(name))

	from tests.browser.test_adoption_desk import adoption_program

	desk.open_adoption_board(adoption_program(site_data, desk.user))
	desk.check_language()
	desk.screenshot("leaderboard-staff")


def test_guest_answers_the_survey_of_their_email_link(browser, base_url, site_data, lang):
	"""The customer, without an account, in their own language: the link of the queued e-mail opens the
	survey, the answer is thanked, and nothing else of the site is theirs."""
	from crm_plus.feedback import api
	from tests.browser.conftest import Desk, new_context, watch
	from tests.browser.test_feedback_survey import _link_from_queue, ensure_outgoing_account, rating_survey

	ensure_outgoing_account(site_data)
	survey = rating_survey(site_data, "_Browser Guest Survey")
	customer = site_data.customer(language=lang)
	contact_for(site_data, customer, language=lang)
	reply = api.send_survey(survey.name, [customer])
	(invitation,) = reply["invitations"]
	site_data.track("Feedback Invitation", str(invitation))
	site_data.track("Email Queue", frappe.db.get_value("Feedback Invitation", invitation, "email_queue"))
	frappe.db.commit()
	link = _link_from_queue(str(invitation))

	context = new_context(browser, base_url, None, lang)
	page = context.new_page()
	guest = Desk(page, base_url, lang, "Guest", f"guest-{lang}", "guest")
	watch(page, guest, base_url)
	try:
		page.goto(link.replace(link.split("/feedback")[0], base_url), wait_until="networkidle")
		page.locator(".feedback-question").first.wait_for()
		guest.check_language()
		guest.screenshot("guest-survey")
		page.locator('.feedback-question label:has(input[value="4"])').first.click()
		page.locator("#feedback-form button[type=submit]").click()
		page.locator(".feedback-thanks").wait_for(state="visible")
		guest.check_language()
		frappe.db.rollback()
		response = frappe.db.get_value("Feedback Response", {"invitation": invitation}, "name")
		assert response
		site_data.track("Feedback Response", str(response))
		# a guest reaches nothing of the desk: the login page, without errors
		page.goto(f"{base_url}/app/customer/{customer}", wait_until="domcontentloaded")
		page.wait_for_url("**/login**")
		page.locator("form.form-login, .for-login").first.wait_for()
	finally:
		context.close()
	assert not guest.errors, "the page logged errors:\n" + "\n".join(guest.errors)
