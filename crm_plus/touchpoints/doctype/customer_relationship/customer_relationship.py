# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.touchpoints import relationship


class CustomerRelationship(Document):
	# begin: auto-generated types
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


def on_doctype_update():
	frappe.db.add_index("Customer Relationship", ["lifecycle_stage", "account_owner"])


@frappe.whitelist(methods=["POST"])
def refresh_figures(customer: str) -> None:
	"""Recompute one relationship now (form button)."""
	frappe.get_doc("Customer Relationship", customer).check_permission("write")
	relationship.refresh([customer])
