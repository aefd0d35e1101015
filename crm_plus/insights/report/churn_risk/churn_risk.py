# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Customers slipping away: purchase frequency fell by at least a share against the previous period, or
no purchase for longer than the churn threshold; with the account owner and the last touch."""

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, cint, date_diff, getdate

from crm_plus.charts import report_chart
from crm_plus.insights import reports
from crm_plus.labels import N_

# each row's reason, shown in the reader's language
FREQUENCY_FELL = N_("Frequency fell")
CHURN_THRESHOLD = N_("Churn threshold passed")


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
		{"label": _("Customer Name"), "fieldname": "customer_name", "fieldtype": "Data", "width": 160},
		{
			"label": _("Account Owner"),
			"fieldname": "account_owner",
			"fieldtype": "Link",
			"options": "User",
			"width": 140,
		},
		{"label": _("Reason"), "fieldname": "reason", "fieldtype": "Data", "width": 170},
		{"label": _("Last Purchase"), "fieldname": "last_purchase_date", "fieldtype": "Date", "width": 110},
		{
			"label": _("Days Since Purchase"),
			"fieldname": "days_since_purchase",
			"fieldtype": "Int",
			"width": 100,
		},
		{
			"label": _("Purchases (Current Period)"),
			"fieldname": "purchases_current_period",
			"fieldtype": "Int",
			"width": 110,
		},
		{
			"label": _("Purchases (Previous Period)"),
			"fieldname": "purchases_previous_period",
			"fieldtype": "Int",
			"width": 110,
		},
		{"label": _("Drop (%)"), "fieldname": "drop_percent", "fieldtype": "Percent", "width": 90},
		{"label": _("Last Touch"), "fieldname": "last_touchpoint_date", "fieldtype": "Date", "width": 110},
		{"label": _("Health Score"), "fieldname": "health_score", "fieldtype": "Int", "width": 90},
		{"label": _("RFM Segment"), "fieldname": "rfm_segment", "fieldtype": "Data", "width": 110},
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
				"label": _("Currency"),
				"fieldname": "currency",
				"fieldtype": "Link",
				"options": "Currency",
				"hidden": 1,
			},
		]
	return columns


def thresholds(filters) -> tuple[int, int]:
	churn_days = cint(filters.churn_days) or frappe.get_cached_doc("CRM Plus Settings").churn_days or 365
	drop = 50 if filters.min_drop_percent in (None, "") else cint(filters.min_drop_percent)
	if churn_days <= 0:
		frappe.throw(_("{0} must be greater than zero.").format(_("No Purchase For (Days)")))
	if not 1 <= drop <= 100:
		frappe.throw(_("{0} must be between 1 and 100.").format(_("Frequency Drop at Least (%)")))
	return churn_days, drop


def base_query(filters):
	"""Customers whose frequency fell or who passed the churn threshold, with the condition of each."""
	churn_days, drop = thresholds(filters)
	r = DocType("Customer Relationship")
	c = DocType("Customer")
	fell = (r.purchases_previous_period > 0) & (
		r.purchases_current_period * 100 <= r.purchases_previous_period * (100 - drop)
	)
	passed = r.last_purchase_date <= add_days(getdate(), -churn_days)
	query = frappe.qb.from_(r).join(c).on(c.name == r.customer).where(c.disabled == 0).where(fell | passed)
	if filters.company:
		query = query.where(r.rfm_company == filters.company)
	if filters.account_owner:
		query = query.where(r.account_owner == filters.account_owner)
	query = reports.tree_filter(query, c.territory, "Territory", filters.territory)
	return reports.restrict(query, r.customer, reports.permitted_customers()), r, passed


def get_data(filters, money: bool) -> list[dict]:
	churn_days, _drop = thresholds(filters)
	today = getdate()
	query, r, _passed = base_query(filters)
	fields = [
		r.customer,
		r.customer_name,
		r.account_owner,
		r.last_purchase_date,
		r.purchases_current_period,
		r.purchases_previous_period,
		r.last_touchpoint_date,
		r.health_score,
		r.rfm_segment,
	]
	if money:
		fields += [r.lifetime_revenue, r.currency]
	query = query.select(*fields).orderby(r.last_purchase_date).orderby(r.customer)
	rows = query.limit(reports.row_limit(filters)).run(as_dict=True)
	for row in rows:
		row.days_since_purchase = date_diff(today, row.last_purchase_date) if row.last_purchase_date else None
		previous = row.purchases_previous_period or 0
		row.drop_percent = (
			round(100 * (previous - (row.purchases_current_period or 0)) / previous) if previous else None
		)
		passed_row = row.days_since_purchase is not None and row.days_since_purchase >= churn_days
		row.reason = _(CHURN_THRESHOLD) if passed_row else _(FREQUENCY_FELL)
	return reports.translate_segments(rows)


def get_chart(filters) -> dict:
	"""Customers by reason, over every matching customer (not only the rows listed)."""
	query, _r, passed = base_query(filters)
	total, churned = query.select(Count("*"), Sum(Case().when(passed, 1).else_(0))).run()[0]
	churned = int(churned or 0)
	return report_chart(
		{
			"labels": [_(CHURN_THRESHOLD), _(FREQUENCY_FELL)],
			"datasets": [{"name": _("Customers"), "values": [churned, int(total or 0) - churned]}],
		},
		"bar",
	)
