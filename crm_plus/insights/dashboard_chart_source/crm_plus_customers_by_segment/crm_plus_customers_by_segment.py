# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Customers per RFM segment (of the customers the user may read), labelled in the reader's language: a workspace chart."""

import frappe

from crm_plus.insights import distribution


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
) -> dict:
	return distribution.chart("rfm_segment")
