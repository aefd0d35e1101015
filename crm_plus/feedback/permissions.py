"""Who sees which feedback.

Feedback handlers (System Manager, CRM Manager and ERPNext's Support Team) read and answer the responses
of every customer; anyone else with a role on the doctype sees the responses of the customers they can
read (Customer permissions, user permissions included) and what they submitted themselves. Support Team
has no role on Sales Invoice, Payment Entry or any crm_plus record with amounts, and nothing here gives it
one."""

import frappe

from crm_plus.access import readable_customers

HANDLER_ROLES = frozenset({"System Manager", "CRM Manager", "Support Team"})


def is_handler(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(HANDLER_ROLES & set(frappe.get_roles(user)))


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if is_handler(user):
		return ""
	table = f"`tab{doctype}`"
	owner = f"{table}.owner = {frappe.db.escape(user)}"
	readable = readable_customers(f"{table}.customer", user) or f"{table}.customer is not null"
	return f"(({readable}) or {owner})"


def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if is_handler(user) or doc.get("owner") == user:
		return True
	if not doc.get("customer"):
		return False
	return frappe.has_permission("Customer", "read", doc.customer, user=user)
