# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class FeedbackInvitation(Document):
	# begin: auto-generated types
	# end: auto-generated types
	pass


def on_doctype_update():
	# one invitation per survey and source document (delivery, invoice, issue, alert): a trigger job that
	# runs twice, or twice at once, can never send a second survey for the same document
	frappe.db.add_unique(
		"Feedback Invitation",
		["survey", "reference_doctype", "reference_name"],
		constraint_name="unique_survey_reference",
	)
	# "not more often than every N days per customer"
	frappe.db.add_index("Feedback Invitation", ["customer", "creation"])
