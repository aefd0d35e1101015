"""Row permissions: a note about a customer is visible only to those who can read that customer.

Notes without a customer are visible to everyone with read access to Competitor Note; a note about a
customer only to those who may read that customer as the Customer list gives them (role, User Permissions
on Customer, Territory or Customer Group, shared customers)."""

import frappe

from crm_plus.access import readable_customers


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	readable = readable_customers("`tabCompetitor Note`.`customer`", user)
	if not readable:
		return ""
	return f"(ifnull(`tabCompetitor Note`.`customer`, '') = '' or {readable})"


def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	if not doc.get("customer"):
		return True
	return frappe.has_permission("Customer", "read", doc.customer, user=user)
