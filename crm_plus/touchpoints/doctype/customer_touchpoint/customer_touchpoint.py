# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus import access
from crm_plus.touchpoints import follow_up, relationship
from crm_plus.touchpoints.kinds import MANUAL_TYPES, validate_manual

# what a recorded (system) touchpoint takes from its source document and may not be edited by hand
SOURCE_FIELDS = (
	"customer",
	"touchpoint_type",
	"posting_date",
	"amount",
	"base_amount",
	"currency",
	"duration",
)


class CustomerTouchpoint(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		base_amount: DF.Currency
		channel: DF.Literal["In Person", "Phone", "Email", "Web", "Social", "Partner", "System"]
		company: DF.Link | None
		contact: DF.Link | None
		currency: DF.Link | None
		customer: DF.Link
		direction: DF.Literal["Outbound", "Inbound"]
		duration: DF.Duration | None
		follow_up_todo: DF.Link | None
		lifecycle_alert: DF.Link | None
		name: DF.Int | None
		next_follow_up: DF.Date | None
		outcome: DF.Literal[
			"",
			"Reached",
			"Follow-up Agreed",
			"Resolved",
			"Not Interested",
			"No Answer",
			"Left Message",
			"Wrong Number",
		]
		posting_date: DF.Date
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		resolve_alert: DF.Check
		status: DF.Literal["Active", "Cancelled"]
		summary: DF.SmallText | None
		touchpoint_type: DF.Literal[
			"Quotation",
			"Sales Order",
			"Delivery",
			"Invoice",
			"Credit Note",
			"Payment",
			"Refund",
			"Dunning",
			"Overdue",
			"Competitor Note",
			"Issue Opened",
			"Issue Answered",
			"Issue Resolved",
			"Warranty Claim",
			"Feedback",
			"Call",
			"Meeting",
			"Email",
			"Visit",
			"Complaint",
			"Other",
		]
		user: DF.Link | None
	# end: auto-generated types

	def validate(self):
		access.check_repoint(self)
		self.normalise_reference()
		self.validate_type()
		self.validate_source_fields()
		follow_up.validate(self)

	def on_update(self):
		relationship.refresh([self.customer])
		# whom we spoke to, what came of it and when to call again: the follow-up ToDo, the alert answered
		follow_up.on_update(self)

	def on_trash(self):
		if self.reference_name:
			frappe.throw(
				_(
					"Touchpoints recorded from {0} cannot be deleted; cancel the source document instead."
				).format(_(self.reference_doctype))
			)

	def after_delete(self):
		relationship.refresh([self.customer])

	def normalise_reference(self):
		# an empty reference is NULL, so hand-logged touchpoints never collide on the unique key
		if not self.reference_name:
			self.reference_doctype = self.reference_name = None

	def validate_type(self):
		if validate_manual(self.touchpoint_type, self.reference_name) == "system":
			frappe.throw(
				_(
					"{0}: {1} is recorded automatically from ERPNext documents. Log one of {2} instead."
				).format(
					_("Touchpoint Type"),
					_(self.touchpoint_type),
					", ".join(_(t) for t in sorted(MANUAL_TYPES)),
				),
				title=_("Invalid Touchpoint Type"),
			)

	def validate_source_fields(self):
		if self.is_new() or not self.reference_name:
			return
		for field in SOURCE_FIELDS:
			if self.has_value_changed(field):
				frappe.throw(
					_("{0} of a touchpoint recorded from {1} {2} cannot be changed.").format(
						_(self.meta.get_label(field)), _(self.reference_doctype), self.reference_name
					)
				)


def on_doctype_update():
	# one touchpoint per source document, type and customer: enforced by the database, so a handler
	# or job that runs twice (or two at once) can never write a duplicate
	frappe.db.add_unique(
		"Customer Touchpoint",
		["reference_doctype", "reference_name", "touchpoint_type", "customer"],
		constraint_name="unique_source_touchpoint",
	)
	# the customer timeline and every per-customer aggregate (relationship, lifecycle conditions, KPIs)
	frappe.db.add_index("Customer Touchpoint", ["customer", "posting_date"])
	# adoption scores: hand-logged touchpoints per author and period, read from the index alone
	frappe.db.add_index(
		"Customer Touchpoint",
		["owner", "creation", "status", "touchpoint_type", "reference_name", "customer"],
		index_name="crm_plus_adoption_logged",
	)
