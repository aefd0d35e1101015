"""Row permissions: a note about a customer is visible only to those who can read that customer.

Notes without a customer are visible to everyone with read access to Competitor Note. User Permissions
on Customer are applied by Frappe itself (the note links to Customer); these hooks add the role rule and
documents shared with the user.
"""

import frappe


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	# role access only: without a document, has_permission would also say yes for one shared customer
	if frappe.has_permission("Customer", "read", user=user, ignore_share_permissions=True):
		return ""
	condition = "ifnull(`tabCompetitor Note`.`customer`, '') = ''"
	shared = frappe.share.get_shared("Customer", user, ["read"])
	if shared:
		names = ", ".join(frappe.db.escape(name) for name in shared)
		condition = f"({condition} or `tabCompetitor Note`.`customer` in ({names}))"
	return condition


def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	if not doc.get("customer"):
		return True
	return frappe.has_permission("Customer", "read", doc.customer, user=user)
