"""Fill a test site with realistic billing volume by bulk inserts, and remove it again.

Rows are written straight into ERPNext's tables (no controllers, no ledger) so that 200,000 invoices take
seconds, not hours; every generated name starts with ``BENCH-`` so ``remove()`` deletes exactly them.
Invoices are a mix of paid, unpaid, overdue and returned; payments settle one to three invoices each.
"""

import random
from datetime import date, timedelta

import frappe

PREFIX = "BENCH-"
COMPANY = "_Test Company"


def bulk(doctype: str, fields: list[str], rows, chunk: int = 5000) -> None:
	"""Multi-row INSERTs with bound parameters (frappe.db.bulk_insert renders every value through pypika,
	which is too slow for a million rows)."""
	columns = ", ".join(f"`{f}`" for f in fields)
	one = "(" + ", ".join(["%s"] * len(fields)) + ")"
	batch = []
	for row in rows:
		batch.append(row)
		if len(batch) == chunk:
			_flush(doctype, columns, one, batch)
			batch = []
	if batch:
		_flush(doctype, columns, one, batch)


def _flush(doctype, columns, one, batch):
	values = ", ".join([one] * len(batch))
	params = [v for row in batch for v in row]
	frappe.db.sql(f"insert into `tab{doctype}` ({columns}) values {values}", params)  # nosemgrep


def touchpoint_row(
	customer, touchpoint_type, channel, direction, when, summary=None, owner="Administrator"
) -> list:
	"""One generated touchpoint, in ``touchpoints()``'s column order; ``owner`` is who logged it."""
	return [
		customer,
		touchpoint_type,
		channel,
		direction,
		frappe.utils.getdate(when),
		"Active",
		summary,
		when,
		owner,
	]


def touchpoints(rows: list[list]) -> None:
	"""Bulk-write touchpoint rows (``touchpoint_row``), naming them from a block reserved in the
	doctype's sequence, as the backfill does."""
	first = frappe.db.get_next_sequence_val("Customer Touchpoint")
	frappe.db.sql("select setval(`customer_touchpoint_id_seq`, %s)", first + len(rows))
	bulk(
		"Customer Touchpoint",
		[
			"customer",
			"touchpoint_type",
			"channel",
			"direction",
			"posting_date",
			"status",
			"summary",
			"creation",
			"owner",
			"modified",
			"modified_by",
			"name",
		],
		([*row, row[7], "Administrator", first + 1 + i] for i, row in enumerate(rows)),
	)


def _std(name, now):
	return [name, now, now, "Administrator", "Administrator"]


STD = ["name", "creation", "modified", "owner", "modified_by"]


def generate(
	customers: int = 10_000, invoices: int = 200_000, payments: int = 150_000, seed: int = 7
) -> dict:
	rnd = random.Random(seed)
	now = frappe.utils.now_datetime()
	today = date.today()
	cust_names = [f"{PREFIX}CUST-{i:06d}" for i in range(customers)]
	bulk(
		"Customer",
		[*STD, "customer_name", "customer_type", "customer_group", "territory", "docstatus", "disabled"],
		([*_std(n, now), n, "Company", "_Test Customer Group", "_Test Territory", 0, 0] for n in cust_names),
	)

	inv_rows, unpaid = [], []
	for i in range(invoices):
		name = f"{PREFIX}SINV-{i:07d}"
		customer = cust_names[rnd.randrange(customers)]
		posting = today - timedelta(days=rnd.randrange(0, 1000))
		is_return = 1 if rnd.random() < 0.03 else 0
		net = round(rnd.uniform(50, 5000), 2) * (-1 if is_return else 1)
		grand = round(net * 1.1, 2)
		paid = rnd.random() < 0.75
		outstanding = 0 if (paid or is_return) else grand
		if outstanding:
			unpaid.append((name, customer, grand))
		inv_rows.append(
			[
				*_std(name, now),
				1,
				customer,
				COMPANY,
				posting,
				posting + timedelta(days=30),
				"INR",
				"INR",
				1,
				net,
				grand,
				grand,
				outstanding,
				is_return,
				"Debtors - _TC",
			]
		)
	bulk(
		"Sales Invoice",
		[
			*STD,
			"docstatus",
			"customer",
			"company",
			"posting_date",
			"due_date",
			"currency",
			"party_account_currency",
			"conversion_rate",
			"base_net_total",
			"grand_total",
			"base_grand_total",
			"outstanding_amount",
			"is_return",
			"debit_to",
		],
		inv_rows,
	)

	pe_rows, ref_rows = [], []
	for i in range(payments):
		name = f"{PREFIX}PE-{i:07d}"
		inv = inv_rows[rnd.randrange(invoices)]
		customer, posting, amount = inv[6], inv[8] + timedelta(days=rnd.randrange(0, 60)), abs(inv[15])
		pe_rows.append(
			[
				*_std(name, now),
				1,
				"Receive",
				"Customer",
				customer,
				COMPANY,
				posting,
				"INR",
				"INR",
				amount,
				amount,
				amount,
				amount,
			]
		)
		for j in range(rnd.randrange(1, 4)):
			ref_rows.append(
				[
					f"{name}-{j}",
					now,
					now,
					"Administrator",
					"Administrator",
					name,
					"Payment Entry",
					"references",
					j + 1,
					"Sales Invoice",
					inv[0],
					amount,
				]
			)
	bulk(
		"Payment Entry",
		[
			*STD,
			"docstatus",
			"payment_type",
			"party_type",
			"party",
			"company",
			"posting_date",
			"paid_from_account_currency",
			"paid_to_account_currency",
			"paid_amount",
			"received_amount",
			"base_paid_amount",
			"base_received_amount",
		],
		pe_rows,
	)
	bulk(
		"Payment Entry Reference",
		[
			*STD,
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"reference_doctype",
			"reference_name",
			"allocated_amount",
		],
		ref_rows,
	)
	frappe.db.commit()
	return {"customers": customers, "invoices": invoices, "payments": payments, "unpaid": len(unpaid)}


def remove() -> None:
	like = f"{PREFIX}%"
	frappe.db.sql("delete from `tabCustomer Touchpoint` where customer like %s", like)
	frappe.db.sql("delete from `tabCustomer Relationship` where name like %s", like)
	frappe.db.sql("delete from `tabPayment Entry Reference` where parent like %s", like)
	for doctype in ("Payment Entry", "Sales Invoice", "Customer"):
		frappe.db.sql(f"delete from `tab{doctype}` where name like %s", like)  # nosemgrep
	frappe.db.commit()
