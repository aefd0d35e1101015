# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

POSITIVE_INT_FIELDS = ("nurturing_days", "churn_days", "timeline_limit", "lifecycle_chunk_size")


class CRMPlusSettings(Document):
	# begin: auto-generated types
	# end: auto-generated types

	def validate(self):
		for field in POSITIVE_INT_FIELDS:
			if self.get(field) is not None and int(self.get(field)) <= 0:
				frappe.throw(
					_("{0} must be greater than zero.").format(_(self.meta.get_label(field))),
					title=_("Invalid Setting"),
				)
		if self.nurturing_days and self.churn_days and self.churn_days <= self.nurturing_days:
			frappe.throw(
				_("{0} must be longer than {1}.").format(
					_(self.meta.get_label("churn_days")), _(self.meta.get_label("nurturing_days"))
				),
				title=_("Invalid Setting"),
			)
