# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CustomerSegmentHistory(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		customer: DF.Link
		frequency_score: DF.Int
		health_label: DF.Literal["", "Healthy", "Needs Attention", "Unhealthy"]
		health_score: DF.Int
		monetary_score: DF.Int
		previous_segment: DF.Literal[
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
		recency_score: DF.Int
		segment: DF.Literal[
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
		snapshot_date: DF.Date
	# end: auto-generated types
	pass


SEGMENT_BY_CUSTOMER = ("customer", "snapshot_date", "segment", "company")


def on_doctype_update():
	# segment as of a date: the customer's latest row on or before it; covering, so the RFM Segments
	# movement reads only this index
	frappe.db.add_index("Customer Segment History", list(SEGMENT_BY_CUSTOMER))
	frappe.db.add_index("Customer Segment History", ["snapshot_date"])
