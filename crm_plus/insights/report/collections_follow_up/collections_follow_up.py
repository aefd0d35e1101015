# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Overdue invoices by customer: how many, how late, how much (for those who may see amounts), with the
last payment, the last touchpoint and the account owner who should call."""

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Concat, Count, Min, Sum
from frappe.utils import add_days, cint, getdate

from crm_plus.insights import reports

BUCKETS = ((30, "1-30"), (60, "31-60"), (90, "61-90"), (None, "90+"))


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	reports.check_access()
	if cint(filters.min_days_overdue) < 0:
		frappe.throw(_("{0} cannot be negative.").format(_("Overdue by at Least (Days)")))
	money = reports.can_see_money()
	data, overdue_customers = get_data(filters)
	chart = get_chart(overdue_customers, money)
	if not money:
		for row in data:
			row.pop("overdue_amount", None)
	return get_columns(money), data, None, chart


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
		{"label": _("Overdue Invoices"), "fieldname": "overdue_invoices", "fieldtype": "Int", "width": 100},
		{
			"label": _("Oldest Invoice"),
			"fieldname": "oldest_invoice",
			"fieldtype": "Link",
			"options": "Sales Invoice",
			"width": 150,
		},
		{"label": _("Days Overdue"), "fieldname": "days_overdue", "fieldtype": "Int", "width": 100},
		{"label": _("Last Payment"), "fieldname": "last_payment_date", "fieldtype": "Date", "width": 110},
		{
			"label": _("Last Touchpoint"),
			"fieldname": "last_touchpoint_date",
			"fieldtype": "Date",
			"width": 110,
		},
	]
	if money:
		columns.insert(
			4,
			{
				"label": _("Overdue Amount"),
				"fieldname": "overdue_amount",
				"fieldtype": "Currency",
				"options": "currency",
				"width": 130,
			},
		)
		columns.append(
			{
				"label": _("Currency"),
				"fieldname": "currency",
				"fieldtype": "Link",
				"options": "Currency",
				"hidden": 1,
			}
		)
	return columns


def get_data(filters) -> tuple[list[dict], list[tuple]]:
	"""(rows listed, every overdue customer) from two plain reads merged in Python: the overdue
	invoices grouped by customer (crm_plus's covering index on unpaid invoices), then the relationship
	of the customers listed."""
	today = getdate()
	si = DocType("Sales Invoice")
	base_outstanding = si.outstanding_amount * (
		Case().when(si.party_account_currency == si.currency, si.conversion_rate).else_(1)
	)
	unpaid = (si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0)
	if filters.company:
		unpaid &= si.company == filters.company
	if filters.customer:
		unpaid &= si.customer == filters.customer
	invoices = (
		frappe.qb.from_(si)
		.select(
			si.customer,
			Count("*").as_("overdue_invoices"),
			Sum(base_outstanding).as_("overdue_amount"),
			Min(si.due_date).as_("oldest_due_date"),
		)
		.where(unpaid & (si.due_date < add_days(today, -cint(filters.min_days_overdue))))
		.groupby(si.customer)
	)
	invoices = reports.restrict(invoices, si.customer, reports.permitted_customers())
	if filters.territory or filters.account_owner:
		invoices = invoices.where(si.customer.isin(_customers_matching(filters)))
	# every overdue customer is counted in the database, by how late their oldest invoice is (the chart);
	# only the worst are read, for the rows listed
	grouped = invoices.as_("grouped")
	bucket = Case()
	for i, (limit, _label) in enumerate(BUCKETS[:-1]):
		bucket = bucket.when(grouped.oldest_due_date >= add_days(today, -limit), i)
	bucket = bucket.else_(len(BUCKETS) - 1)
	overdue_customers = (
		frappe.qb.from_(grouped)
		.select(bucket.as_("bucket"), Count("*"), Sum(grouped.overdue_amount))
		.groupby(bucket)
		.run()
	)
	rows = (
		invoices.orderby(Min(si.due_date))
		.orderby(si.customer)
		.limit(reports.row_limit(filters))
		.run(as_dict=True)
	)
	rows.sort(key=lambda row: (row.oldest_due_date, row.customer))
	r = DocType("Customer Relationship")
	c = DocType("Customer")
	details, oldest = {}, {}
	if rows:
		# the oldest invoice (the first by name among those due first), looked up for the rows shown only
		oldest = _oldest_invoices(si, unpaid, rows)
		details = {
			d.customer: d
			for d in frappe.qb.from_(c)
			.left_join(r)
			.on(r.name == c.name)
			.select(
				c.name.as_("customer"),
				c.customer_name,
				r.account_owner,
				r.last_payment_date,
				r.last_touchpoint_date,
				r.currency,
			)
			.where(c.name.isin([row.customer for row in rows]))
			.run(as_dict=True)
		}
	for row in rows:
		row.update(details.get(row.customer) or {})
		row.days_overdue = (today - row.oldest_due_date).days
		row.oldest_invoice = oldest.get(row.customer, "")
	return rows, overdue_customers


def _oldest_invoices(si, unpaid, rows: list[dict]) -> dict[str, str]:
	"""Each listed customer's oldest overdue invoice: the first by name among those due first. Looked up
	for the rows shown (a page); past a few pages, one pass over every overdue customer is quicker."""
	if len(rows) > 2 * reports.DEFAULT_ROWS:
		cutoff = max(row.oldest_due_date for row in rows)
		found = (
			frappe.qb.from_(si)
			.select(si.customer, Min(Concat(si.due_date, "|", si.name)))
			.where(unpaid & (si.due_date <= cutoff))
			.groupby(si.customer)
			.run()
		)
		return {customer: value.split("|", 1)[1] for customer, value in found}
	wanted = {(row.customer, row.oldest_due_date) for row in rows}
	found = (
		frappe.qb.from_(si)
		.select(si.customer, si.due_date, Min(si.name))
		.where(
			unpaid
			& si.customer.isin([row.customer for row in rows])
			& si.due_date.isin(list({row.oldest_due_date for row in rows}))
		)
		.groupby(si.customer, si.due_date)
		.run()
	)
	return {customer: name for customer, due_date, name in found if (customer, due_date) in wanted}


def _customers_matching(filters):
	r = DocType("Customer Relationship")
	c = DocType("Customer")
	query = frappe.qb.from_(c).left_join(r).on(r.name == c.name).select(c.name)
	if filters.account_owner:
		query = query.where(r.account_owner == filters.account_owner)
	return reports.tree_filter(query, c.territory, "Territory", filters.territory)


def get_chart(buckets: list[tuple], money: bool) -> dict:
	"""Overdue customers (or amounts, for those who may see them) by how late their oldest invoice is;
	``buckets`` holds (bucket index, customers, overdue amount) tuples."""
	values = [0.0] * len(BUCKETS)
	for i, customers, amount in buckets:
		values[int(i)] = float(amount or 0) if money else float(customers)
	return {
		"data": {
			"labels": [_("{0} days").format(label) for _limit, label in BUCKETS],
			"datasets": [{"name": _("Overdue Amount") if money else _("Customers"), "values": values}],
		},
		"type": "bar",
		"fieldtype": "Currency" if money else "Int",
	}
