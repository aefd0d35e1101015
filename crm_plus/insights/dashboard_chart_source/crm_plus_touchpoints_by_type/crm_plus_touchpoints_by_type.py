# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Active touchpoints per period (a week unless the chart's interval says otherwise), one dataset per
touchpoint type: the workspace chart. It follows the chart's timespan and interval, as Frappe's own
time-series charts do. Not cached (Frappe caches a chart source per chart, not per user): each user counts
only the touchpoints their list shows."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Min
from frappe.utils import add_days, add_to_date, getdate
from frappe.utils.dateutils import get_from_date_from_timespan, get_period_beginning

from crm_plus.access import restrict_to_list

WEEKS = 12
STEP = {"Daily": {"days": 1}, "Weekly": {"days": 7}, "Monthly": {"months": 1}, "Quarterly": {"months": 3}}
STEP["Yearly"] = {"years": 1}
LONG_DAYS = 2 * 366


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
	frappe.has_permission("Customer Touchpoint", "read", throw=True)
	to_date = getdate(to_date)
	if from_date:
		from_date = getdate(from_date)
	elif timespan and timespan != "Select Date Range":
		from_date = getdate(get_from_date_from_timespan(to_date, timespan))
	return counts(to_date, from_date, time_interval if time_interval in STEP else "Weekly")


def weekly_counts(to_date, from_date=None) -> dict:
	return counts(to_date, from_date, "Weekly")


def counts(to_date, from_date=None, interval: str = "Weekly") -> dict:
	"""Touchpoints the user's list shows (of the customers they may read), per type and per ``interval`` from the period of
	``from_date`` (the last 12 weeks when not given) to the period of ``to_date``."""
	tp = DocType("Customer Touchpoint")
	last = get_period_beginning(to_date, interval)
	from_date = getdate(from_date or add_days(get_period_beginning(to_date, "Weekly"), -7 * (WEEKS - 1)))
	if (to_date - from_date).days > LONG_DAYS:  # "All Time" reaches 50 years back: from the first one
		oldest = restrict_to_list(frappe.qb.from_(tp).select(Min(tp.posting_date)), "Customer Touchpoint")
		from_date = max(from_date, getdate(oldest.where(tp.status == "Active").run()[0][0] or to_date))
	first = get_period_beginning(from_date, interval)
	periods = []
	day = first
	while day <= last:
		periods.append(day)
		day = getdate(add_to_date(day, **STEP[interval]))
	query = (
		frappe.qb.from_(tp)
		.select(tp.touchpoint_type, tp.posting_date, Count("*"))
		.where((tp.status == "Active") & (tp.posting_date >= first) & (tp.posting_date <= to_date))
		.groupby(tp.touchpoint_type, tp.posting_date)
	)
	query = restrict_to_list(query, "Customer Touchpoint")
	by_type = {}
	for touchpoint_type, posting_date, n in query.run():
		by_period = by_type.setdefault(touchpoint_type, dict.fromkeys(periods, 0))
		by_period[get_period_beginning(getdate(posting_date), interval)] += n
	if not by_type:
		# nothing to draw: Frappe's chart widget says "No Data" (frappe-charts throws on labels without datasets)
		return {}
	return {
		"labels": [frappe.format(p, "Date") for p in periods],
		"datasets": [
			{"name": _(touchpoint_type), "values": list(by_period.values())}
			for touchpoint_type, by_period in sorted(by_type.items())
		],
	}
