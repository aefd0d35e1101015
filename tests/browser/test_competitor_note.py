"""Capturing a competitor note from the desk, and making notes from a lost opportunity's form."""

import frappe
import pytest


@pytest.fixture
def persona():
	return "account_manager"  # the salesperson who hears of rivals: Sales User + CRM User


def _pick_link(page, fieldname: str, value: str):
	"""Type into a Link field and choose the value from its dropdown, as a person does."""
	field = page.locator(f'.frappe-control[data-fieldname="{fieldname}"] input').first
	field.click()
	field.fill(value)
	page.get_by_role("option", name=value).first.click()
	page.locator(f'.frappe-control[data-fieldname="{fieldname}"] .awesomplete ul[hidden]').wait_for(
		state="attached"
	)


def _competitor(site_data) -> str:
	return site_data.insert(
		{"doctype": "Competitor", "competitor_name": f"_CRM Browser Rival {frappe.generate_hash(length=6)}"}
	).name


def test_a_competitor_note_is_captured_from_the_desk_and_lands_on_the_customer(desk, site_data):
	competitor, customer = _competitor(site_data), site_data.customer()
	page = desk.goto("competitor-note/new")
	_pick_link(page, "competitor", competitor)
	_pick_link(page, "customer", customer)
	page.locator('.frappe-control[data-fieldname="aspect"] select').select_option("Service")
	page.locator('.frappe-control[data-fieldname="observation"] textarea').fill("Answers within the hour.")
	desk.screenshot("competitor-note-new")
	page.keyboard.press("Control+s")
	desk.wait_for_route("competitor-note/COMP-NOTE-")
	desk.idle()
	name = page.url.rstrip("/").split("/")[-1]
	site_data.track("Competitor Note", name)

	frappe.db.rollback()  # see what the web server committed
	assert frappe.db.get_value("Competitor Note", name, ["competitor", "customer", "aspect"]) == (
		competitor,
		customer,
		"Service",
	)
	assert frappe.db.exists(
		"Customer Touchpoint",
		{"reference_doctype": "Competitor Note", "reference_name": name, "customer": customer},
	)


def test_lost_opportunity_offers_competitor_notes(desk, site_data):
	competitor, customer = _competitor(site_data), site_data.customer()
	company = frappe.db.get_value("Company", {}, "name")
	opp = site_data.insert(
		{
			"doctype": "Opportunity",
			"opportunity_from": "Customer",
			"party_name": customer,
			"company": company,
			"opportunity_type": "Sales",
		}
	)
	opp.declare_enquiry_lost([], [{"competitor": competitor}], "Cheaper elsewhere")
	frappe.db.commit()

	page = desk.goto(f"opportunity/{opp.name}")
	button = page.get_by_role("button", name=desk.__("Competitor Notes"))
	button.click()
	desk.wait_for_route("competitor-note/COMP-NOTE-")
	desk.idle()
	name = page.url.rstrip("/").split("/")[-1]
	site_data.track("Competitor Note", name)
	desk.screenshot("competitor-note-from-lost-opportunity")

	frappe.db.rollback()
	note = frappe.db.get_value(
		"Competitor Note", name, ["competitor", "customer", "opportunity", "source"], as_dict=True
	)
	assert (note.competitor, note.customer, note.opportunity, note.source) == (
		competitor,
		customer,
		opp.name,
		"Lost Deal",
	)
