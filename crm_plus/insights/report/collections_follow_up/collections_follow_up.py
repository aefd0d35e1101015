# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Overdue invoices by customer: how many, how late, how much (for those who may see amounts), with the
last payment, the last touchpoint and the account owner who should call.

Each overdue invoice is aged on its own, in the buckets of ERPNext's Accounts Receivable (``ageing.py``:
the same *Ageing Range*, the age counted from the due date to today), so a customer's row and the chart
split its overdue amount as Accounts Receivable does for the same invoices. Readers who may not see
amounts get the number of invoices in each bucket instead."""

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Concat, Count, Min, Sum
from frappe.utils import add_days, cint, getdate

from crm_plus.charts import report_chart
from crm_plus.insights import ageing, reports


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	reports.check_access()
	if cint(filters.min_days_overdue) < 0:
		frappe.throw(_("{0} cannot be negative.").format(_("Overdue by at Least (Days)")))
	bounds = ageing.parse(filters.range or default_range())
	money = reports.can_see_money()
	data, per_bucket = get_data(filters, bounds)
	chart = get_chart(per_bucket, bounds, money)
	for row in data:
		amounts = row.pop("bucket_amounts")
		counts = row.pop("bucket_counts")
		for i in range(len(bounds) + 1):
			row[f"range{i + 1}"] = amounts[i] if money else counts[i]
		if not money:
			row.pop("overdue_amount", None)
	return get_columns(money, bounds), data, None, chart


def default_range() -> str:
	"""Accounts Receivable's default *Ageing Range* (Accounts Settings), as its filter takes it."""
	if frappe.get_meta("Accounts Settings").has_field("default_ageing_range"):
		return frappe.db.get_single_value("Accounts Settings", "default_ageing_range") or ageing.DEFAULT_RANGE
	return ageing.DEFAULT_RANGE


def bucket_labels(bounds: list[int]) -> list[str]:
	return ageing.labels(bounds, _("Above"))


def get_columns(money: bool, bounds: list[int]) -> list[dict]:
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
		# a link to the invoice for who may open it; its number as text for the others (a sales manager reads
		# no Sales Invoice, and Frappe's report runner refuses a whole report that links one to such a user)
		{
			"label": _("Oldest Invoice"),
			"fieldname": "oldest_invoice",
			**(
				{"fieldtype": "Link", "options": "Sales Invoice"}
				if frappe.has_permission("Sales Invoice", "read")
				else {"fieldtype": "Data"}
			),
			"width": 150,
		},
		{"label": _("Days Overdue"), "fieldname": "days_overdue", "fieldtype": "Int", "width": 100},
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
	# one column per ageing bucket: the overdue amount in it, or (without amounts) how many invoices
	for i, label in enumerate(bucket_labels(bounds), start=1):
		columns.append(
			{
				"label": _("{0} days").format(label) if money else _("Invoices {0} days").format(label),
				"fieldname": f"range{i}",
				"fieldtype": "Currency" if money else "Int",
				**({"options": "currency"} if money else {}),
				"width": 120,
			}
		)
	columns += [
		{"label": _("Last Payment"), "fieldname": "last_payment_date", "fieldtype": "Date", "width": 110},
		{
			"label": _("Last Touchpoint"),
			"fieldname": "last_touchpoint_date",
			"fieldtype": "Date",
			"width": 110,
		},
	]
	if money:
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


def get_data(filters, bounds: list[int]) -> tuple[list[dict], list[tuple]]:
	"""(rows listed, every overdue invoice counted and summed by ageing bucket).

	The chart's figures are one aggregate over the overdue invoices by bucket. The rows are found apart:
	the invoices in due-date order name the customers whose oldest overdue invoice is the oldest, and
	only those customers' invoices are added up, per bucket in the same statement. Plain reads, so no
	row of ERPNext is locked."""
	today = getdate()
	si = DocType("Sales Invoice")
	overdue = (si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0)
	overdue &= si.due_date < add_days(today, -cint(filters.min_days_overdue))
	if filters.company:
		overdue &= si.company == filters.company
	if filters.customer:
		overdue &= si.customer == filters.customer

	def scoped(query):
		query = reports.restrict(query.where(overdue), si.customer, reports.permitted_customers())
		if filters.territory or filters.account_owner:
			query = query.where(si.customer.isin(_customers_matching(filters)))
		return query

	base_outstanding = si.outstanding_amount * (
		Case().when(si.party_account_currency == si.currency, si.conversion_rate).else_(1)
	)
	# an invoice ``age`` days past due is in the first bucket whose bound it does not exceed (ERPNext's
	# Accounts Receivable): age <= bound, i.e. due on or after today - bound
	bucket = Case()
	for i, days in enumerate(bounds):
		bucket = bucket.when(si.due_date >= add_days(today, -days), i)
	bucket = bucket.else_(len(bounds))
	per_bucket = (
		scoped(frappe.qb.from_(si))
		.select(bucket.as_("bucket"), Count("*"), Sum(base_outstanding))
		.groupby(bucket)
		.run()
	)

	limit = reports.row_limit(filters)
	buckets = range(len(bounds) + 1)
	terms = (
		si.customer,
		Count("*").as_("overdue_invoices"),
		Sum(base_outstanding).as_("overdue_amount"),
		Min(si.due_date).as_("oldest_due_date"),
		# the oldest invoice: the first by name among those due first
		Min(Concat(si.due_date, "|", si.name)).as_("oldest_invoice"),
		# the customer's invoices in each bucket, by the chart's own bucket expression
		*(Sum(Case().when(bucket == i, base_outstanding).else_(0)).as_(f"amount{i}") for i in buckets),
		*(Sum(Case().when(bucket == i, 1).else_(0)).as_(f"count{i}") for i in buckets),
	)
	if limit > 2 * reports.DEFAULT_ROWS:  # many pages: one pass over every overdue customer is quicker
		rows = (
			scoped(_in_customer_order(si).select(*terms).groupby(si.customer))
			.orderby(Min(si.due_date))
			.orderby(si.customer)
			.limit(limit)
			.run(as_dict=True)
		)
	else:
		worst = _worst_customers(scoped(frappe.qb.from_(si)).select(si.customer, si.due_date), si, limit)
		figures = frappe.qb.from_(si).select(*terms).groupby(si.customer)
		rows = figures.where(overdue & si.customer.isin(worst)).run(as_dict=True) if worst else []
	rows.sort(key=lambda row: (row.oldest_due_date, row.customer))
	r = DocType("Customer Relationship")
	c = DocType("Customer")
	details = {}
	if rows:
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
		row.oldest_invoice = row.oldest_invoice.split("|", 1)[1]
		row.bucket_amounts = [row.pop(f"amount{i}") for i in buckets]
		row.bucket_counts = [int(row.pop(f"count{i}")) for i in buckets]
	return rows, per_bucket


BY_CUSTOMER = "crm_plus_unpaid_by_customer"


def _in_customer_order(si):
	"""Sales Invoice read through crm_plus's index in customer order (install.py), when the site has it:
	grouping by customer then streams instead of filling a temporary table."""
	query = frappe.qb.from_(si)
	if frappe.db.has_index("tabSales Invoice", BY_CUSTOMER):
		query = query.force_index(BY_CUSTOMER)
	return query


def _worst_customers(invoices, si, limit: int) -> list[str]:
	"""The ``limit`` customers whose oldest overdue invoice is the oldest (then by name), read from
	``invoices`` (customer, due date) in due-date order, as few as needed: a customer is placed once every
	invoice due before its oldest one has been read, which is certain for those seen before the last due
	date read; read four times as many until enough are certain."""
	size = 4 * limit
	while True:
		found = invoices.orderby(si.due_date).limit(size).run()
		first_due = {}
		for customer, due_date in found:
			first_due.setdefault(customer, due_date)
		if len(found) < size:  # every overdue invoice has been read
			certain = first_due
		else:
			last = found[-1][1]
			certain = {customer: due for customer, due in first_due.items() if due < last}
		if len(found) < size or len(certain) >= limit:
			return [customer for customer, _due in sorted(certain.items(), key=lambda c: (c[1], c[0]))][
				:limit
			]
		size *= 4


def _customers_matching(filters):
	r = DocType("Customer Relationship")
	c = DocType("Customer")
	query = frappe.qb.from_(c).left_join(r).on(r.name == c.name).select(c.name)
	if filters.account_owner:
		query = query.where(r.account_owner == filters.account_owner)
	return reports.tree_filter(query, c.territory, "Territory", filters.territory)


def get_chart(per_bucket: list[tuple], bounds: list[int], money: bool) -> dict:
	"""Overdue amounts (or, for readers who may not see them, overdue invoices) by ageing bucket;
	``per_bucket`` holds (bucket index, invoices, overdue amount) tuples."""
	values = [0.0] * (len(bounds) + 1)
	for i, invoices, amount in per_bucket:
		values[int(i)] = float(amount or 0) if money else float(invoices)
	return report_chart(
		{
			"labels": [_("{0} days").format(label) for label in bucket_labels(bounds)],
			"datasets": [{"name": _("Overdue Amount") if money else _("Overdue Invoices"), "values": values}],
		},
		"bar",
		fieldtype="Currency" if money else "Int",
	)
