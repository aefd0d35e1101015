# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Segment sizes and revenue share now; with two dates, how customers moved between segments.

A customer's segment on a date is its latest Customer Segment History row on or before that date (the
nightly recompute writes a row whenever a segment changes), so a movement matrix needs no full snapshot
per day.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import flt, getdate

from crm_plus.insights import reports
from crm_plus.insights.scoring import SEGMENTS


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	reports.check_access()
	money = reports.can_see_money()
	if bool(filters.from_date) != bool(filters.to_date):
		frappe.throw(
			_("Set both {0} and {1} to compare segments, or neither.").format(_("From Date"), _("To Date"))
		)
	customers = reports.permitted_customers()
	data = sizes(filters, money, customers)
	columns = get_columns(money)
	if filters.from_date:
		if getdate(filters.from_date) > getdate(filters.to_date):
			frappe.throw(_("{0} must not be after {1}.").format(_("From Date"), _("To Date")))
		columns += movement(filters, data, customers)
	return columns, data, None, get_chart(data, filters)


def get_columns(money: bool) -> list[dict]:
	columns = [
		{"label": _("RFM Segment"), "fieldname": "segment", "fieldtype": "Data", "width": 140},
		{"label": _("Customers"), "fieldname": "customers", "fieldtype": "Int", "width": 100},
		{
			"label": _("Share of Customers (%)"),
			"fieldname": "customer_share",
			"fieldtype": "Percent",
			"width": 120,
		},
	]
	if money:
		columns += [
			{"label": _("Revenue"), "fieldname": "revenue", "fieldtype": "Currency", "width": 140},
			{
				"label": _("Revenue Share (%)"),
				"fieldname": "revenue_share",
				"fieldtype": "Percent",
				"width": 120,
			},
		]
	return columns


def sizes(filters, money: bool, customers) -> list[dict]:
	r = DocType("Customer Relationship")
	query = (
		frappe.qb.from_(r)
		.select(
			r.rfm_segment.as_("segment"), Count("*").as_("customers"), Sum(r.lifetime_revenue).as_("revenue")
		)
		.where(r.rfm_segment.isin(SEGMENTS))
		.groupby(r.rfm_segment)
	)
	if filters.company:
		query = query.where(r.rfm_company == filters.company)
	query = reports.restrict(query, r.customer, customers)
	found = {row.segment: row for row in query.run(as_dict=True)}
	total_customers = sum(row.customers for row in found.values()) or 1
	total_revenue = sum(flt(row.revenue) for row in found.values() if row.segment != "No Purchase") or 1
	data = []
	for segment in SEGMENTS:
		row = found.get(segment) or frappe._dict(customers=0, revenue=0)
		out = {
			"segment": segment,
			"customers": row.customers,
			"customer_share": flt(100 * row.customers / total_customers, 1),
		}
		if money:
			out["revenue"] = flt(row.revenue)
			out["revenue_share"] = (
				flt(100 * flt(row.revenue) / total_revenue, 1) if segment != "No Purchase" else 0
			)
		data.append(out)
	return data


def segments_on(days: list, company, customers) -> list[dict[str, str]]:
	"""For each of ``days`` (ascending), {customer: segment} as it stood that day; one read of the
	history up to the last day, newest row per customer and day picked in Python."""
	h = DocType("Customer Segment History")
	query = (
		frappe.qb.from_(h)
		.select(h.customer, h.snapshot_date, h.segment)
		.where(h.snapshot_date <= days[-1])
		.orderby(h.snapshot_date)
	)
	if company:
		query = query.where(h.company == company)
	query = reports.restrict(query, h.customer, customers)
	result = [{} for _day in days]
	for customer, day, segment in query.run():
		for i, limit in enumerate(days):
			if day <= limit:
				result[i][customer] = segment  # rows come oldest first: the last one wins
	return result


def movement(filters, data: list[dict], customers) -> list[dict]:
	"""Add, to each segment's row, its size on both dates and where its customers of the first date went."""
	before, after = segments_on(
		[getdate(filters.from_date), getdate(filters.to_date)], filters.company, customers
	)
	key = {s: s.lower().replace(" ", "_") for s in SEGMENTS}
	for row in data:
		row["on_from_date"] = 0
		row["on_to_date"] = 0
		for target in SEGMENTS:
			row["to_" + key[target]] = 0
	by_segment = {row["segment"]: row for row in data}
	for segment in after.values():
		if segment in by_segment:
			by_segment[segment]["on_to_date"] += 1
	for customer, segment in before.items():
		if segment not in by_segment:
			continue
		by_segment[segment]["on_from_date"] += 1
		target = after.get(customer, segment)
		by_segment[segment]["to_" + key[target]] += 1
	columns = [
		{
			"label": _("Customers on {0}").format(frappe.format(filters.from_date, "Date")),
			"fieldname": "on_from_date",
			"fieldtype": "Int",
			"width": 130,
		},
		{
			"label": _("Customers on {0}").format(frappe.format(filters.to_date, "Date")),
			"fieldname": "on_to_date",
			"fieldtype": "Int",
			"width": 130,
		},
	]
	columns += [
		{
			"label": _("Moved to {0}").format(_(target)),
			"fieldname": "to_" + key[target],
			"fieldtype": "Int",
			"width": 110,
		}
		for target in SEGMENTS
	]
	return columns


def get_chart(data: list[dict], filters) -> dict:
	rows = [row for row in data if row["segment"] != "No Purchase"]
	datasets = [{"name": _("Customers"), "values": [row["customers"] for row in rows]}]
	if filters.from_date:
		datasets = [
			{
				"name": _("On {0}").format(frappe.format(filters.from_date, "Date")),
				"values": [row["on_from_date"] for row in rows],
			},
			{
				"name": _("On {0}").format(frappe.format(filters.to_date, "Date")),
				"values": [row["on_to_date"] for row in rows],
			},
		]
	return {"data": {"labels": [_(row["segment"]) for row in rows], "datasets": datasets}, "type": "bar"}
