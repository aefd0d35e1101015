"""The relationship as a salesperson meets it: on the Customer form, its timeline, the relationship form,
and a touchpoint logged by hand."""

import re

import frappe
import pytest
from frappe.utils import get_datetime, now_datetime


@pytest.fixture
def persona():
	return "account_manager"  # the salesperson who works the customer: Sales User + CRM User


def log_call(customer: str, site_data) -> str:
	tp = frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": "Call",
			"direction": "Outbound",
			"channel": "Phone",
			"summary": "Asked about the renewal",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return tp.name


def test_customer_form_shows_the_relationship_on_top_and_the_timeline(desk, site_data):
	customer = site_data.customer()
	log_call(customer, site_data)
	page = desk.goto(f"customer/{customer}")

	# the summary is above the tabs, in the tab a salesperson lands on, and says what is missing
	box = page.locator(".crm-plus-relationship")
	box.wait_for()
	assert box.is_visible()
	text = box.inner_text()
	assert desk.__("Account Owner") in text and desk.__("Not set") in text
	assert desk.__("Lifecycle Stage") in text
	box.locator(".crm-plus-open-relationship").wait_for()
	desk.screenshot("customer")

	# the timeline shows the call at the time it was logged, not at midnight
	item = page.locator(".timeline-item", has_text="Asked about the renewal").first
	item.wait_for()
	stamp = item.locator(".frappe-timestamp").first.get_attribute("data-timestamp")
	assert abs((get_datetime(stamp) - now_datetime()).total_seconds()) < 600

	# Connections: touchpoints listed, no "+" that would make a second relationship
	links = page.locator(".form-links .document-link")
	doctypes = links.evaluate_all("(els) => els.map((e) => e.getAttribute('data-doctype'))")
	assert "Customer Touchpoint" in doctypes and "Customer Relationship" not in doctypes

	# the summary leads to the relationship, which leads back to its customer
	box.locator(".crm-plus-open-relationship").click()
	desk.wait_for_route(r"customer-relationship/.+")
	desk.idle()
	stage = page.locator('.frappe-control[data-fieldname="lifecycle_stage"]')
	assert stage.locator("select").count() == 0 or not stage.locator("select").is_visible()
	desk.screenshot("customer-relationship")
	page.get_by_role("button", name=desk.__("Open"), exact=True).click()
	page.locator(".dropdown-menu.show").get_by_text(desk.__("Customer"), exact=True).click()
	desk.wait_for_route(r"customer/[^/]+$")
	desk.form("Customer")
	assert page.evaluate("() => cur_frm.doc.name") == customer


def test_the_stage_cannot_be_changed_by_hand(desk, site_data):
	customer = site_data.customer()
	log_call(customer, site_data)
	desk.goto(f"customer-relationship/{customer}")
	desk.allow_errors(r"417|savedocs")
	desk.page.evaluate(
		"""() => { cur_frm.doc.lifecycle_stage = cur_frm.doc.lifecycle_stage === "Churned" ? "Maintenance"
			: "Churned"; cur_frm.dirty(); cur_frm.save(); }"""
	)
	message = desk.page.locator(".modal.show .msgprint").last
	message.wait_for()
	assert desk.__("Lifecycle Stage") in message.inner_text()
	assert frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") != "Churned"


def test_a_touchpoint_logged_by_hand(desk, site_data):
	customer = site_data.customer()
	page = desk.goto("customer-touchpoint/new")
	select = page.locator('.frappe-control[data-fieldname="touchpoint_type"] select')
	page.wait_for_function(
		"() => !Array.from(document.querySelectorAll('[data-fieldname=touchpoint_type] option'))"
		".some((o) => o.value === 'Invoice')"
	)
	options = select.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
	assert "Call" in options and "Complaint" in options
	assert not {"Invoice", "Payment", "Overdue", "Sales Order", "Dunning"} & set(options)
	assert not page.locator('[data-fieldname="amount_section"]').is_visible()
	assert not page.locator('.frappe-control[data-fieldname="amount"]').is_visible()

	page.evaluate("(c) => cur_frm.set_value('customer', c)", customer)
	select.select_option("Call")
	page.locator('.frappe-control[data-fieldname="summary"] textarea').fill("Called about the offer")
	desk.idle()
	desk.screenshot("touchpoint-new")
	page.keyboard.press("Control+s")
	desk.wait_for_route(r"customer-touchpoint/\d+")
	desk.idle()
	rows = frappe.get_all(
		"Customer Touchpoint", filters={"customer": customer}, fields=["touchpoint_type", "summary"]
	)
	assert [(r.touchpoint_type, r.summary) for r in rows] == [("Call", "Called about the offer")]


def test_touchpoint_list_status_is_the_status(desk, site_data):
	customer = site_data.customer()
	log_call(customer, site_data)
	page = desk.goto(f"customer-touchpoint?customer={customer}")
	row = page.locator(".list-row-container .list-row").first
	row.wait_for()
	indicator = row.locator(".indicator-pill").first.inner_text().strip()
	assert indicator == desk.__("Active")
	assert customer in row.inner_text()
	headers = page.locator(".list-row-head").first.inner_text()
	assert desk.__("ID") not in headers.split("\n")
	desk.screenshot("touchpoint-list")
