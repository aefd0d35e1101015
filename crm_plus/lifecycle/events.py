"""Doc events of other doctypes that concern lifecycle alerts."""

import frappe


def todo_on_update(doc, method=None):
	"""Closing the ToDo of an alert resolves the alert; reopening it opens the alert again."""
	if (
		doc.reference_type != "Lifecycle Alert"
		or not doc.reference_name
		or not doc.has_value_changed("status")
	):
		return
	status = {"Closed": "Resolved", "Open": "Open"}.get(doc.status)
	if not status or not frappe.db.exists("Lifecycle Alert", doc.reference_name):
		return
	alert = frappe.get_doc("Lifecycle Alert", doc.reference_name)
	if alert.status != status:
		alert.status = status
		alert.save(ignore_permissions=True)
