"""Sales Users see relationships without financial figures; no Customer access means no timeline."""

import frappe
import pytest

from crm_plus.touchpoints.api import get_relationship_summary, get_timeline
from tests.integration.factories import invoice, make_customer, make_user


def test_sales_user_reads_relationship_but_no_financial_figures():
	customer = make_customer()
	invoice(customer, rate=300)
	frappe.set_user(make_user("Sales User"))

	summary = get_relationship_summary(customer)
	assert summary["invoice_count"] == 1 and summary["last_purchase_date"]
	for field in ("lifetime_revenue", "outstanding_amount", "overdue_amount"):
		assert summary[field] is None, field

	timeline = get_timeline(customer)
	assert timeline and "amount" not in timeline[0] and "base_amount" not in timeline[0]

	doc = frappe.get_doc("Customer Relationship", customer)
	doc.apply_fieldlevel_read_permissions()
	assert doc.get("lifetime_revenue") is None and doc.get("invoice_count") == 1


def test_accounts_user_sees_financial_figures():
	customer = make_customer()
	invoice(customer, rate=300)
	frappe.set_user(make_user("Accounts User"))
	assert get_relationship_summary(customer)["lifetime_revenue"] == 300
	assert get_timeline(customer)[0]["amount"] == 300


def test_user_without_customer_access_gets_no_timeline():
	customer = make_customer()
	invoice(customer, rate=300)
	user = make_user("CRM User")
	assert not frappe.has_permission("Customer", "read", user=user)
	frappe.set_user(user)

	with pytest.raises(frappe.PermissionError):
		get_timeline(customer)
	assert frappe.get_list("Customer Touchpoint", filters={"customer": customer}) == []
	assert frappe.get_list("Customer Relationship", filters={"customer": customer}) == []
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Customer Touchpoint", {"customer": customer}).check_permission("read")
