# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class FeedbackInvitation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		contact: DF.Link | None
		customer: DF.Link | None
		email: DF.Data | None
		email_queue: DF.Link | None
		expires_on: DF.Datetime | None
		language: DF.Data | None
		name: DF.Int | None
		note: DF.SmallText | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		response: DF.Link | None
		status: DF.Literal["Sent", "Answered", "Expired", "Not Sent"]
		survey: DF.Link
		token_hash: DF.Data | None
		used_at: DF.Datetime | None
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
