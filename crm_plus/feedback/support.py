"""What a support agent (ERPNext's *Support Team*) may do with a customer, without seeing its transactions.

Seed 002: service handles feedback, not transactions. An agent answers the responses of every customer
(``feedback/permissions.py``) and starts the survey journey from the customer, so crm_plus gives Support
Team **read** access to Customer (a Role Permission Manager row, made on install and migrate, removed on
uninstall; Frappe copies the standard permissions first, so ERPNext's own roles keep theirs). With it the
agent opens a customer: its name, group, territory, contacts and addresses, its issues and feedback, and
sends it a survey. Nothing else follows from it: no write; no touchpoint, relationship, alert or report of
crm_plus (Support Team has no role on them); no quotation, order, invoice, payment or ledger (ERPNext
gives Support Team none, and the form shows no link to what the user may not read); and ERPNext's billing
figures on the Customer form (annual billing, total unpaid), which it loads for every reader of the form,
are taken out for a user who reads customers only through this row (:func:`customer_onload`).
"""

import frappe
from frappe.permissions import add_permission, update_permission_property

SUPPORT_ROLE = "Support Team"
CUSTOMER_ACCESS = ("read", "select")


def add_support_permissions() -> None:
	if not frappe.db.exists("Role", SUPPORT_ROLE) or not frappe.db.exists("DocType", "Customer"):
		return
	if frappe.db.exists("Custom DocPerm", {"parent": "Customer", "role": SUPPORT_ROLE, "permlevel": 0}):
		return  # set up before: an administrator may have changed it since
	add_permission("Customer", SUPPORT_ROLE, 0)
	for right in CUSTOMER_ACCESS:
		update_permission_property("Customer", SUPPORT_ROLE, 0, right, 1, validate=False)


def remove_support_permissions() -> None:
	frappe.db.delete("Custom DocPerm", {"parent": "Customer", "role": SUPPORT_ROLE})
	frappe.clear_cache(doctype="Customer")


def reads_customers_only_as_support(user: str | None = None) -> bool:
	"""Whether ``user`` reads customers through Support Team's row alone (no other role of theirs may)."""
	user = user or frappe.session.user
	roles = set(frappe.get_roles(user))
	if user == "Administrator" or SUPPORT_ROLE not in roles:
		return False
	readers = {p.role for p in frappe.get_meta("Customer").permissions if p.read and not p.permlevel}
	return not roles & (readers - {SUPPORT_ROLE})


def customer_onload(doc, method=None) -> None:
	"""``onload`` of Customer: no billing figures for a user who may read the customer only as support."""
	onload = doc.get("__onload")
	if onload and "dashboard_info" in onload and reads_customers_only_as_support():
		onload.pop("dashboard_info")
