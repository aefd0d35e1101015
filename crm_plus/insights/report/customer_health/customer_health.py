# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Every customer's health score and label, RFM segment and scores, with a chart of customers by health."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count

from crm_plus.charts import report_chart
from crm_plus.insights import reports

LABELS = ("Healthy", "Needs Attention", "Unhealthy")


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	reports.check_access()
	money = reports.can_see_money()
	data = get_data(filters, money)
	return get_columns(money), data, None, get_chart(filters)


def get_columns(money: bool) -> list[dict]:
	columns = [
		{
			"label": _("Customer"),
			"fieldname": "customer",
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"label": _("Customer Name"), "fieldname": "customer_name", "fieldtype": "Data", "width": 180},
		{
			"label": _("Territory"),
			"fieldname": "territory",
			"fieldtype": "Link",
			"options": "Territory",
			"width": 120,
		},
		{
			"label": _("Account Owner"),
			"fieldname": "account_owner",
			"fieldtype": "Link",
			"options": "User",
			"width": 140,
		},
		{"label": _("Health Score"), "fieldname": "health_score", "fieldtype": "Int", "width": 100},
		{"label": _("Health"), "fieldname": "health_label", "fieldtype": "Data", "width": 120},
		{"label": _("RFM Segment"), "fieldname": "rfm_segment", "fieldtype": "Data", "width": 120},
		{"label": _("R"), "fieldname": "recency_score", "fieldtype": "Int", "width": 50},
		{"label": _("F"), "fieldname": "frequency_score", "fieldtype": "Int", "width": 50},
		{"label": _("M"), "fieldname": "monetary_score", "fieldtype": "Int", "width": 50},
		{"label": _("Last Purchase"), "fieldname": "last_purchase_date", "fieldtype": "Date", "width": 110},
		{
			"label": _("Last Touchpoint"),
			"fieldname": "last_touchpoint_date",
			"fieldtype": "Date",
			"width": 110,
		},
	]
	if money:
		columns += [
			{
				"label": _("Lifetime Revenue"),
				"fieldname": "lifetime_revenue",
				"fieldtype": "Currency",
				"options": "currency",
				"width": 130,
			},
			{
				"label": _("Overdue Amount"),
				"fieldname": "overdue_amount",
				"fieldtype": "Currency",
				"options": "currency",
				"width": 130,
			},
			{
				"label": _("Currency"),
				"fieldname": "currency",
				"fieldtype": "Link",
				"options": "Currency",
				"hidden": 1,
			},
		]
	return columns


def base_query(filters):
	"""Relationships with a health label that match the filters and the user's permissions."""
	r = DocType("Customer Relationship")
	c = DocType("Customer")
	query = frappe.qb.from_(r).join(c).on(c.name == r.customer).where(r.health_label.isin(LABELS))
	if filters.company:
		query = query.where(r.rfm_company == filters.company)
	if filters.health_label:
		query = query.where(r.health_label == filters.health_label)
	if filters.rfm_segment:
		query = query.where(r.rfm_segment == filters.rfm_segment)
	if filters.account_owner:
		query = query.where(r.account_owner == filters.account_owner)
	query = reports.tree_filter(query, c.territory, "Territory", filters.territory)
	query = reports.tree_filter(query, c.customer_group, "Customer Group", filters.customer_group)
	return reports.restrict(query, r.customer, reports.permitted_customers()), r, c


def get_data(filters, money: bool) -> list[dict]:
	query, r, c = base_query(filters)
	fields = [
		r.customer,
		r.customer_name,
		c.territory,
		r.account_owner,
		r.health_score,
		r.health_label,
		r.rfm_segment,
		r.recency_score,
		r.frequency_score,
		r.monetary_score,
		r.last_purchase_date,
		r.last_touchpoint_date,
	]
	if money:
		fields += [r.lifetime_revenue, r.overdue_amount, r.currency]
	query = query.select(*fields).orderby(r.health_score).orderby(r.customer)
	return reports.translate_segments(query.limit(reports.row_limit(filters)).run(as_dict=True))


def get_chart(filters) -> dict:
	"""Customers by health, over every matching customer (not only the rows listed)."""
	query, r, _c = base_query(filters)
	counts = dict.fromkeys(LABELS, 0)
	counts.update(dict(query.select(r.health_label, Count("*")).groupby(r.health_label).run()))
	return report_chart(
		{
			"labels": [_(label) for label in counts],
			"datasets": [{"name": _("Customers"), "values": list(counts.values())}],
		},
		"donut",
		colors=["#29CD42", "#ECAD4B", "#E24C4C"],
	)
