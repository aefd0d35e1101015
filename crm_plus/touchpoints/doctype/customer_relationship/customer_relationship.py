# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.touchpoints import relationship


class CustomerRelationship(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		account_owner: DF.Link | None
		avg_days_to_pay: DF.Float
		currency: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		first_purchase_date: DF.Date | None
		frequency_score: DF.Int
		health_breakdown: DF.JSON | None
		health_label: DF.Literal["", "Healthy", "Needs Attention", "Unhealthy"]
		health_score: DF.Int
		insights_computed_on: DF.Datetime | None
		invoice_count: DF.Int
		last_invoice: DF.Link | None
		last_payment_date: DF.Date | None
		last_purchase_date: DF.Date | None
		last_touchpoint_date: DF.Date | None
		lifecycle_stage: DF.Literal["", "Prospect", "Nurturing", "Maintenance", "At Risk", "Churned"]
		lifetime_revenue: DF.Currency
		monetary_score: DF.Int
		oldest_unpaid_due_date: DF.Date | None
		oldest_unpaid_invoice: DF.Link | None
		outstanding_amount: DF.Currency
		overdue_amount: DF.Currency
		overdue_invoices: DF.Int
		purchases_current_period: DF.Int
		purchases_previous_period: DF.Int
		recency_score: DF.Int
		refreshed_on: DF.Datetime | None
		rfm_company: DF.Link | None
		rfm_segment: DF.Literal[
			"",
			"Champions",
			"Loyal",
			"New",
			"Potential",
			"Slipping Away",
			"Hibernating",
			"Lost",
			"No Purchase",
		]
		touchpoints_90d: DF.Int
	# end: auto-generated types

	def validate(self):
		self.validate_stage()
		if self.account_owner and not frappe.db.get_value("User", self.account_owner, "enabled"):
			frappe.throw(
				_("{0}: User {1} is disabled.").format(_("Account Owner"), self.account_owner),
				title=_("Invalid Account Owner"),
			)

	def validate_stage(self):
		# stages are computed (relationship figures, CRM Plus Settings thresholds, Set Stage rules): a hand
		# edit would be reverted by the next refresh, so it is refused with the reason
		if not self.is_new() and self.has_value_changed("lifecycle_stage"):
			frappe.throw(
				_(
					"{0} is set by crm_plus from the customer's purchases and touchpoints and by lifecycle rules; it cannot be changed by hand."
				).format(_("Lifecycle Stage")),
				title=_("Lifecycle Stage"),
			)

	def after_insert(self):
		relationship.refresh([self.customer])

	def on_trash(self):
		# its customer has no relationship any more: rules on prospects look at every customer again
		relationship.forget_complete()


def on_doctype_update():
	frappe.db.add_index("Customer Relationship", ["lifecycle_stage", "account_owner"])
	# RFM Segments: sizes and revenue per segment (and company) from this index alone
	frappe.db.add_index("Customer Relationship", ["rfm_segment", "rfm_company", "lifetime_revenue"])


@frappe.whitelist(methods=["POST"])
def refresh_figures(customer: str) -> None:
	"""Recompute one relationship now (form button)."""
	frappe.get_doc("Customer Relationship", customer).check_permission("write")
	relationship.refresh([customer])
