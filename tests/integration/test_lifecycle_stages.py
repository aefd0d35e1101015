"""Lifecycle stages against hand-worked examples, and their history."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from crm_plus.lifecycle import stages
from crm_plus.lifecycle.stage_rules import decide_stage
from crm_plus.touchpoints import relationship
from tests.integration.lifecycle_helpers import bought, customer_in, fresh_group


@pytest.fixture
def short_windows():
	"""Nurturing 30 days, churned after 120 (so every example fits in the current fiscal year)."""
	frappe.db.set_single_value("CRM Plus Settings", {"nurturing_days": 30, "churn_days": 120})
	frappe.clear_document_cache("CRM Plus Settings", "CRM Plus Settings")
	yield
	frappe.db.rollback()
	frappe.clear_document_cache("CRM Plus Settings", "CRM Plus Settings")


def stage_of(customer):
	return frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage")


def test_stages_match_hand_worked_examples(short_windows):
	group = fresh_group()
	lead = frappe.get_doc({"doctype": "Lead", "lead_name": "_Test Lifecycle Lead"}).insert()
	converted = customer_in(group, lead_name=lead.name)
	prospect = customer_in(group)
	new = customer_in(group)
	bought(new, days_ago=10)  # first purchase 10 days ago: nurturing
	once = customer_in(group)
	bought(once, days_ago=60)  # one purchase, past the window: still nurturing (not a repeat customer)
	repeat = customer_in(group)
	bought(repeat, days_ago=50)
	bought(repeat, days_ago=5)  # first purchase 50 days ago, bought again: maintenance
	churned = customer_in(group)
	bought(churned, days_ago=125)
	bought(churned, days_ago=121)  # nothing for 121 days: churned

	# customers with no document yet get their relationship from the daily refresh
	relationship.refresh([converted, prospect])
	expected = {
		converted: "Prospect",
		prospect: "Prospect",
		new: "Nurturing",
		once: "Nurturing",
		repeat: "Maintenance",
		churned: "Churned",
	}
	assert {c: stage_of(c) for c in expected} == expected

	# the SQL and the pure rule agree customer by customer
	for customer in expected:
		rel = frappe.get_doc("Customer Relationship", customer)
		assert decide_stage(
			getdate(),
			rel.invoice_count,
			rel.first_purchase_date and getdate(rel.first_purchase_date),
			rel.last_purchase_date and getdate(rel.last_purchase_date),
			30,
			120,
		) == stage_of(customer)


def test_calendar_moves_stages_and_history_is_written_once(short_windows):
	group = fresh_group()
	customer = customer_in(group)
	bought(customer, days_ago=100)
	bought(customer, days_ago=90)
	assert stage_of(customer) == "Maintenance"

	# 31 days later nothing was bought: churned
	assert stages.update_stages([customer], as_of=add_days(nowdate(), 31)) == 1
	assert stage_of(customer) == "Churned"
	assert stages.update_stages([customer], as_of=add_days(nowdate(), 31)) == 0
	assert stages.update_stages(None, as_of=add_days(nowdate(), 31)) >= 0
	history = frappe.get_all(
		"Customer Stage Change",
		filters={"customer": customer},
		fields=["from_stage", "to_stage", "reason"],
		order_by="name asc",
	)
	assert [(h.from_stage, h.to_stage) for h in history] == [
		("Prospect", "Nurturing"),
		("Nurturing", "Maintenance"),
		("Maintenance", "Churned"),
	]
	assert history[-1].reason == "No purchase for 120 days or more"


def test_cancelled_invoice_sends_the_customer_back_to_prospect():
	customer = customer_in(fresh_group())
	si = bought(customer, days_ago=3)
	assert stage_of(customer) == "Nurturing"
	si.cancel()
	assert stage_of(customer) == "Prospect"


def test_two_updates_reading_the_same_change_record_it_once():
	"""The nightly update and the one after a submit may read the same change at the same time (plain
	SELECTs): whichever writes second finds the stage moved and writes no second history row."""
	customer = customer_in(fresh_group())
	bought(customer, days_ago=10)
	assert stage_of(customer) == "Nurturing"
	frappe.db.set_value("Customer Relationship", customer, "lifecycle_stage", "Prospect")
	params = stages._params(None, customers=(customer,))
	stale = stages.read_changes(params)
	assert [(c[0], c[1], c[2]) for c in stale] == [(customer, "Prospect", "Nurturing")]

	assert stages.update_stages([customer]) == 1  # the other run, first
	assert stages.write_changes(stale, params["now"]) == 0
	moves = frappe.get_all(
		"Customer Stage Change",
		filters={"customer": customer, "from_stage": "Prospect", "to_stage": "Nurturing"},
		pluck="name",
	)
	# one from the first purchase, one from this move back and forth: none from the stale read
	assert len(moves) == 2
	assert stage_of(customer) == "Nurturing"
