"""What each persona's desk is built from opens for it, as the server gives it: the workspace, the reports
through Frappe's report runner, and the customer a support agent opens without its transactions."""

import json

import frappe
import pytest
from frappe.desk.query_report import run
from frappe.utils import add_days, nowdate

from crm_plus.access_matrix import PERSONAS
from tests.integration.factories import invoice_due, make_customer, make_user


def persona(name: str) -> str:
	roles = PERSONAS[name]
	user = make_user(*roles)
	if "Employee" in roles:
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": "Staff",
				"company": "_Test Company",
				"gender": frappe.db.get_value("Gender", {}, "name"),
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"status": "Active",
				"user_id": user,
			}
		).insert(ignore_permissions=True)
	return user


@pytest.mark.parametrize("name", ["account_manager", "sales_manager", "accounts", "support", "staff"])
def test_every_persona_opens_the_crm_plus_workspace(name):
	from frappe.desk.desktop import get_desktop_page, get_workspace_sidebar_items

	frappe.set_user(persona(name))
	assert "CRM Plus" in {page["name"] for page in get_workspace_sidebar_items()["pages"]}
	page = get_desktop_page(json.dumps({"name": "CRM Plus", "title": "CRM Plus", "public": 1}))
	shortcuts = {item["label"] for item in page["shortcuts"]["items"]}
	# the adoption board is everyone's; My Customers Today for who works customers
	assert "CRM Adoption Leaderboard" in shortcuts
	assert ("My Customers Today" in shortcuts) == (name in ("account_manager", "sales_manager", "accounts"))


def test_collections_follow_up_runs_for_the_sales_manager_who_reads_no_invoice():
	"""Frappe's report runner refused the whole report (403) to a user who may not read a doctype it links:
	the oldest overdue invoice is a link only for who may open it."""
	customer = make_customer()
	si = invoice_due(customer, 300, add_days(nowdate(), -50), add_days(nowdate(), -40))
	for name, link in (("sales_manager", False), ("accounts", True)):
		frappe.set_user(persona(name))
		result = run("Collections Follow-up", filters={"customer": customer})
		column = next(c for c in result["columns"] if c["fieldname"] == "oldest_invoice")
		assert (column["fieldtype"] == "Link") == link
		(row,) = [r for r in result["result"] if isinstance(r, dict) and r.get("customer") == customer]
		assert row["oldest_invoice"] == si.name
		frappe.set_user("Administrator")


def test_a_support_agent_reads_a_customer_but_not_its_billing():
	from frappe.desk.form.load import getdoc

	customer = make_customer()
	invoice_due(customer, 300, add_days(nowdate(), -50), add_days(nowdate(), -40))
	frappe.set_user(persona("account_manager"))
	frappe.response.docs = []  # what an earlier test loaded in this process is not this form
	getdoc("Customer", customer)
	assert frappe.response.docs[0].get("__onload").get("dashboard_info")  # ERPNext's, for its own readers

	frappe.set_user(persona("support"))
	frappe.response.docs = []
	getdoc("Customer", customer)
	doc = frappe.response.docs[0]
	assert doc.name == customer and "dashboard_info" not in doc.get("__onload")
	assert not frappe.has_permission("Customer", "write", customer)
	for doctype in (
		"Sales Invoice",
		"Payment Entry",
		"Sales Order",
		"Customer Touchpoint",
		"Customer Relationship",
	):
		assert not frappe.has_permission(doctype, "read"), doctype


def test_support_reads_customers_through_crm_plus_s_row_which_uninstall_takes_away():
	from crm_plus.feedback import support

	row = frappe.db.get_value(
		"Custom DocPerm", {"parent": "Customer", "role": "Support Team", "permlevel": 0}, ["read", "write"]
	)
	assert row == (1, 0)
	# ERPNext's own roles keep theirs next to it
	assert frappe.db.get_value(
		"Custom DocPerm", {"parent": "Customer", "role": "Sales User", "permlevel": 0}, "read"
	)
	support.remove_support_permissions()
	assert not frappe.db.exists("Custom DocPerm", {"parent": "Customer", "role": "Support Team"})
	support.add_support_permissions()  # as migrate does
	assert frappe.db.exists("Custom DocPerm", {"parent": "Customer", "role": "Support Team", "read": 1})
