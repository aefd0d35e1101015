"""Doc events of other doctypes that concern lifecycle alerts."""

import frappe


def todo_on_update(doc, method=None):
	"""Closing the ToDo of an alert resolves the alert; reopening it opens the alert again.

	Only the alert's own ToDo (the one its rule assigned) does this, and only for a user who may change the
	alert: anyone can make a ToDo that points at an alert, which must not resolve it."""
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
	if alert.todo != doc.name or alert.status == status:
		return
	if not alert.has_permission("write"):
		return
	alert.status = status
	alert.save()
