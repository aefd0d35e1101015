"""Existing sites get the covering indexes of the RFM Segments report (sizes, and movement between two
dates); the movement index replaces the narrower (customer, snapshot_date) one it starts with."""

import frappe

from crm_plus.insights.doctype.customer_segment_history import customer_segment_history
from crm_plus.touchpoints.doctype.customer_relationship import customer_relationship


def execute():
	customer_segment_history.on_doctype_update()
	customer_relationship.on_doctype_update()
	table = "tabCustomer Segment History"
	if frappe.db.has_index(table, "customer_snapshot_date_index"):
		frappe.db.sql_ddl(f"alter table `{table}` drop index `customer_snapshot_date_index`")
