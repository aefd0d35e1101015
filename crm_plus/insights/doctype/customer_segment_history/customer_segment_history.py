# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CustomerSegmentHistory(Document):
	# begin: auto-generated types
	# end: auto-generated types
	pass


def on_doctype_update():
	# segment as of a date: the customer's latest row on or before it
	frappe.db.add_index("Customer Segment History", ["customer", "snapshot_date"])
	frappe.db.add_index("Customer Segment History", ["snapshot_date"])
