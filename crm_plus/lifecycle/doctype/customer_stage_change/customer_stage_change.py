# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CustomerStageChange(Document):
	# begin: auto-generated types
	# end: auto-generated types
	pass


def on_doctype_update():
	frappe.db.add_index("Customer Stage Change", ["customer", "changed_on"])
