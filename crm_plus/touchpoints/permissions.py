"""Row permissions: nobody without read access to a Customer sees its touchpoints or relationship."""

import frappe


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	if not frappe.has_permission("Customer", "read", user=user):
		return "1=0"
	return ""


def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	if not doc.get("customer"):
		return True
	return frappe.has_permission("Customer", "read", doc.customer, user=user)
