# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Segment sizes and revenue share now; with two dates, how customers moved between segments.

A customer's segment on a date is its latest Customer Segment History row on or before that date (the
nightly recompute writes a row whenever a segment changes), so a movement matrix needs no full snapshot
per day; it is counted in the database, in one pass over the history.
"""

import frappe
from frappe import _
from frappe.query_builder import Case, CustomFunction, DocType
from frappe.query_builder.functions import Concat, Count, Max, Sum
from frappe.utils import flt, getdate

from crm_plus.charts import report_chart
from crm_plus.insights import reports
from crm_plus.insights.scoring import SEGMENTS

SubstringFrom = CustomFunction("substring", ["text", "start"])


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
	chart = get_chart(data, filters)
	return columns, reports.translate_segments(data, "segment"), None, chart


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


def moves(from_date, to_date, company, customers) -> list[tuple[str | None, str, int]]:
	"""(segment on ``from_date`` or None, segment on ``to_date``, customers) for every pair that occurs.

	A customer's segment on a day is its newest history row on or before that day (one row per customer
	and day: its name is made of both). One pass over the history up to ``to_date``, in customer order
	through the covering index (customer, snapshot_date, segment, company), finds both per customer; a
	second grouping counts the pairs, so only the matrix leaves the database."""
	h = DocType("Customer Segment History")
	newest = Concat(h.snapshot_date, h.segment)  # "YYYY-MM-DD" + segment: the segment from character 11
	per_customer = (
		frappe.qb.from_(h)
		.select(
			SubstringFrom(Max(Case().when(h.snapshot_date <= from_date, newest)), 11).as_("before"),
			SubstringFrom(Max(newest), 11).as_("after"),
		)
		.where(h.snapshot_date <= to_date)
		.groupby(h.customer)
	)
	if company:
		per_customer = per_customer.where(h.company == company)
	per_customer = reports.restrict(per_customer, h.customer, customers)
	return (
		frappe.qb.from_(per_customer)
		.select(per_customer.before, per_customer.after, Count("*"))
		.groupby(per_customer.before, per_customer.after)
		.run()
	)


def movement(filters, data: list[dict], customers) -> list[dict]:
	"""Add, to each segment's row, its size on both dates and where its customers of the first date went."""
	key = {s: s.lower().replace(" ", "_") for s in SEGMENTS}
	for row in data:
		row["on_from_date"] = 0
		row["on_to_date"] = 0
		for target in SEGMENTS:
			row["to_" + key[target]] = 0
	by_segment = {row["segment"]: row for row in data}
	pairs = moves(getdate(filters.from_date), getdate(filters.to_date), filters.company, customers)
	for before, after, count in pairs:
		if after in by_segment:
			by_segment[after]["on_to_date"] += count
		if before in by_segment and after in key:
			by_segment[before]["on_from_date"] += count
			by_segment[before]["to_" + key[after]] += count
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
	return report_chart({"labels": [_(row["segment"]) for row in rows], "datasets": datasets}, "bar")
