"""A competitor note about a customer is a touchpoint on the customer's timeline, kept in step with it.

The touchpoint is keyed like every other one (reference doctype and name, type, customer: unique in the
database), so saving a note twice never writes a second one. Moving the note to another customer moves
the touchpoint; clearing the customer or deleting the note removes it.
"""

import frappe

from crm_plus.competitors.rules import NOTE_DOCTYPE, TOUCHPOINT_TYPE, touchpoint_summary
from crm_plus.touchpoints import relationship
from crm_plus.touchpoints.kinds import ACTIVE


def sync(note) -> None:
	existing = frappe.get_all(
		"Customer Touchpoint",
		filters={"reference_doctype": NOTE_DOCTYPE, "reference_name": note.name},
		fields=["name", "customer"],
	)
	stale = [row.name for row in existing if row.customer != note.customer]
	if stale:
		frappe.db.delete("Customer Touchpoint", {"name": ("in", stale)})
	values = {
		"posting_date": note.observed_on,
		"summary": touchpoint_summary(note.competitor, note.aspect, note.observation),
		"user": note.captured_by or note.owner,
		"status": ACTIVE,
	}
	current = next((row.name for row in existing if row.customer == note.customer), None)
	if note.customer and current:
		# a recorded touchpoint's source fields are not editable through its form, so written directly
		frappe.db.set_value("Customer Touchpoint", current, values)
	elif note.customer:
		frappe.get_doc(
			{
				"doctype": "Customer Touchpoint",
				"customer": note.customer,
				"touchpoint_type": TOUCHPOINT_TYPE,
				"channel": "System",
				"direction": "Inbound",
				"reference_doctype": NOTE_DOCTYPE,
				"reference_name": note.name,
				**values,
			}
		).insert(ignore_permissions=True)
	relationship.refresh_later([row.customer for row in existing] + [note.customer])


def forget(note_name: str) -> None:
	filters = {"reference_doctype": NOTE_DOCTYPE, "reference_name": note_name}
	customers = frappe.get_all("Customer Touchpoint", filters=filters, pluck="customer")
	if customers:
		frappe.db.delete("Customer Touchpoint", filters)
		relationship.refresh_later(customers)
