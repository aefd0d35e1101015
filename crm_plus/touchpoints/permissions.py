"""Row permissions: nobody without read access to a Customer sees its touchpoints or relationship.

The list of a doctype shows only the rows of the customers the user may read as the Customer list gives
them: role, User Permissions (on Customer, and on Territory or Customer Group, which these records do not
carry themselves) and shared customers."""

import frappe

from crm_plus.access import readable_customers


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	return readable_customers(f"`tab{doctype}`.`customer`", user)


def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	if not doc.get("customer"):
		return True
	return frappe.has_permission("Customer", "read", doc.customer, user=user)
