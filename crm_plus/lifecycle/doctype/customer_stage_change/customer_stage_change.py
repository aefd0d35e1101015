# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CustomerStageChange(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		alert: DF.Link | None
		changed_on: DF.Datetime | None
		customer: DF.Link
		from_stage: DF.Literal["", "Prospect", "Nurturing", "Maintenance", "At Risk", "Churned"]
		name: DF.Int | None
		reason: DF.SmallText | None
		rule: DF.Link | None
		to_stage: DF.Literal["Prospect", "Nurturing", "Maintenance", "At Risk", "Churned"]
	# end: auto-generated types
	pass


def on_doctype_update():
	frappe.db.add_index("Customer Stage Change", ["customer", "changed_on"])
