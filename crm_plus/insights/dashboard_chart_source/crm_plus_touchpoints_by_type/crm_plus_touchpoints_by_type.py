# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Active touchpoints per week, one dataset per touchpoint type (the workspace chart)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import add_days, getdate
from frappe.utils.dashboard import cache_source

from crm_plus.insights import reports

WEEKS = 12


@frappe.whitelist()
@cache_source
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
	frappe.has_permission("Customer Touchpoint", "read", throw=True)
	return weekly_counts(getdate(to_date), from_date and getdate(from_date))


def week_start(day):
	return add_days(day, -day.weekday())


def weekly_counts(to_date, from_date=None) -> dict:
	last = week_start(to_date)
	first = week_start(from_date) if from_date else add_days(last, -7 * (WEEKS - 1))
	weeks = []
	day = first
	while day <= last:
		weeks.append(day)
		day = add_days(day, 7)
	tp = DocType("Customer Touchpoint")
	query = (
		frappe.qb.from_(tp)
		.select(tp.touchpoint_type, tp.posting_date, Count("*"))
		.where((tp.status == "Active") & (tp.posting_date >= first) & (tp.posting_date < add_days(last, 7)))
		.groupby(tp.touchpoint_type, tp.posting_date)
	)
	query = reports.restrict(query, tp.customer, reports.permitted_customers())
	counts = {}
	for touchpoint_type, posting_date, n in query.run():
		by_week = counts.setdefault(touchpoint_type, dict.fromkeys(weeks, 0))
		by_week[week_start(getdate(posting_date))] += n
	return {
		"labels": [frappe.format(w, "Date") for w in weeks],
		"datasets": [
			{"name": _(touchpoint_type), "values": list(by_week.values())}
			for touchpoint_type, by_week in sorted(counts.items())
		],
	}
