# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from crm_plus import access
from crm_plus.competitors import timeline


class CompetitorNote(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		aspect: DF.Literal[
			"Pricing", "Product", "Service", "Communication Channel", "Promotion", "Delivery", "Other"
		]
		captured_by: DF.Link | None
		competitor: DF.Link
		crm_plan: DF.Link | None
		customer: DF.Link | None
		customer_satisfaction: DF.Rating
		lost_deal: DF.Data | None
		observation: DF.SmallText
		observed_on: DF.Date
		opportunity: DF.Link | None
		our_response: DF.SmallText | None
		quotation: DF.Link | None
		source: DF.Literal[
			"Customer Conversation",
			"Website",
			"Trade Fair",
			"Lost Deal",
			"Sales Team",
			"Advertisement",
			"Other",
		]
		strengths: DF.SmallText | None
		threat_level: DF.Literal["Low", "Medium", "High"]
		weaknesses: DF.SmallText | None
	# end: auto-generated types

	def _validate_links(self):
		# before Frappe's own link check, so a missing competitor gets a message that says what to do
		self.validate_competitor_exists()
		super()._validate_links()

	def validate(self):
		access.check_repoint(self)
		self.validate_observed_on()
		self.set_customer_from_deals()
		self.validate_deal_customer("opportunity", "Opportunity", "opportunity_from")
		self.validate_deal_customer("quotation", "Quotation", "quotation_to")

	def on_update(self):
		timeline.sync(self)

	def on_trash(self):
		timeline.forget(self.name)

	def validate_competitor_exists(self):
		if not self.competitor or frappe.db.exists("Competitor", self.competitor):
			return
		if frappe.has_permission("Competitor", "create"):
			hint = _('Choose "Create a new Competitor" in the {0} field to add it.').format(_("Competitor"))
		else:
			hint = _("Ask someone who may create competitors to add it, or choose an existing one.")
		frappe.throw(
			_("{0}: {1} does not exist. {2}").format(_("Competitor"), self.competitor, hint),
			frappe.LinkValidationError,
			title=_("Unknown Competitor"),
		)

	def validate_observed_on(self):
		if self.observed_on and getdate(self.observed_on) > getdate(today()):
			frappe.throw(
				_("{0} ({1}) cannot be in the future.").format(
					_("Observed On"), frappe.format(self.observed_on, "Date")
				),
				title=_("Invalid Date"),
			)

	def set_customer_from_deals(self):
		"""A note about a customer's opportunity or quotation is about that customer."""
		if self.customer:
			return
		for field, doctype, party_type_field in (
			("quotation", "Quotation", "quotation_to"),
			("opportunity", "Opportunity", "opportunity_from"),
		):
			if self.get(field):
				party_type, party = frappe.db.get_value(
					doctype, self.get(field), [party_type_field, "party_name"]
				) or (None, None)
				if party_type == "Customer" and party:
					self.customer = party
					return

	def validate_deal_customer(self, field: str, doctype: str, party_type_field: str):
		if not self.get(field) or not self.customer:
			return
		party_type, party = frappe.db.get_value(
			doctype, self.get(field), [party_type_field, "party_name"]
		) or (
			None,
			None,
		)
		if party_type == "Customer" and party != self.customer:
			frappe.throw(
				_("{0}: {1} belongs to customer {2}, not to {3}.").format(
					_(self.meta.get_label(field)), self.get(field), party, self.customer
				),
				title=_("Wrong Customer"),
			)
