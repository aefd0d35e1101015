# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import now_datetime

from crm_plus.lifecycle import stages


class LifecycleAlert(Document):
	# begin: auto-generated types
	# end: auto-generated types

	def validate(self):
		if self.has_value_changed("status"):
			self.resolved_on = now_datetime() if self.status == "Resolved" else None

	def on_update(self):
		# a resolved flag no longer holds the customer's stage
		if self.stage_set and self.has_value_changed("status"):
			stages.update_stages([self.customer])


def on_doctype_update():
	# at most one alert per rule, customer and cooldown window, enforced by the database: two runs, or two
	# workers at once, can never write a second one
	frappe.db.add_unique(
		"Lifecycle Alert", ["rule", "customer", "window_start"], constraint_name="unique_rule_customer_window"
	)
	frappe.db.add_index("Lifecycle Alert", ["rule", "customer", "matched_on"])
	frappe.db.add_index("Lifecycle Alert", ["customer", "status"])
	frappe.db.add_index("Lifecycle Alert", ["run_token"])
	frappe.db.add_index("Lifecycle Alert", ["todo"])
