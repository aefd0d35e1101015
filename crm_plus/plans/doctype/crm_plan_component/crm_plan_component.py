# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMPlanComponent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		channels: DF.Data | None
		complaint_handling_hours: DF.Float
		component: DF.Literal["Sales", "Invoicing", "Collections", "Service", "Promotion", "Other"]
		department: DF.Link | None
		feedback_collector: DF.Link | None
		max_customer_wait_hours: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		responsible_user: DF.Link | None
	# end: auto-generated types

	pass
