"""Collections Follow-up ages each overdue invoice in the buckets of ERPNext's Accounts Receivable.

A fresh customer gets invoices due on several dates (on every bucket's edge, one partly paid, one not yet
due); ERPNext's own Accounts Receivable runs through the report runner for that customer, and both reports
must put the same amounts in the same buckets."""

import frappe
import pytest
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from frappe.desk.query_report import run
from frappe.utils import add_days, flt, nowdate

from crm_plus.insights.report.collections_follow_up import collections_follow_up
from tests.integration.factories import BANK, invoice_due, make_customer, make_user

COMPANY = "_Test Company"
# days past due of each invoice: both sides of every default bound (30, 60, 90, 120) and far beyond
AGES = (1, 30, 31, 60, 61, 90, 91, 120, 121, 400)


def _day(days_ago: int) -> str:
	return add_days(nowdate(), -days_ago)


def _pay_part(si, amount: float) -> None:
	pe = get_payment_entry("Sales Invoice", si.name, bank_account=BANK, party_amount=amount)
	pe.reference_no, pe.reference_date = "CRM-AGEING", nowdate()
	pe.insert()
	pe.submit()


def _invoices(customer: str) -> list:
	made = [invoice_due(customer, 100 + age, _day(age + 10), _day(age)) for age in AGES]
	invoice_due(customer, 77, nowdate(), add_days(nowdate(), 10))  # not yet due: in no bucket
	_pay_part(made[4], 40)  # 61 days past due, 121 left
	return made


def _receivable(customer: str, ageing_range: str) -> list[float]:
	"""ERPNext's Accounts Receivable for the customer, summed bucket by bucket over its invoices."""
	result = run(
		"Accounts Receivable",
		filters={
			"company": COMPANY,
			"report_date": nowdate(),
			"party_type": "Customer",
			"party": [customer],
			"ageing_based_on": "Due Date",
			"calculate_ageing_with": "Report Date",
			"range": ageing_range,
		},
		ignore_prepared_report=True,
	)
	rows = [row for row in result["result"] if isinstance(row, dict) and row.get("voucher_no")]
	buckets = len([n for n in ageing_range.split(",") if n.strip().isdigit()]) + 1
	return [round(sum(flt(row.get(f"range{i}")) for row in rows), 2) for i in range(1, buckets + 1)]


def _collections(customer: str, **filters) -> tuple[dict, list, dict]:
	result = run(
		"Collections Follow-up",
		filters={"customer": customer, "company": COMPANY, **filters},
		ignore_prepared_report=True,
	)
	(row,) = result["result"]
	return row, result["columns"], result["chart"]


@pytest.mark.parametrize("ageing_range", ["30, 60, 90, 120", "15, 45, 200"])
def test_buckets_equal_accounts_receivable_on_the_same_invoices(ageing_range):
	customer = make_customer()
	_invoices(customer)
	expected = _receivable(customer, ageing_range)
	# the invoices are spread over every bucket, so the comparison means something
	assert all(expected) and len(expected) == len(ageing_range.split(",")) + 1

	row, columns, chart = _collections(customer, range=ageing_range)
	got = [round(flt(row[f"range{i}"]), 2) for i in range(1, len(expected) + 1)]
	assert got == expected
	assert chart["data"]["datasets"][0]["values"] == expected
	assert round(flt(row["overdue_amount"]), 2) == round(sum(expected), 2)
	labels = [c["label"] for c in columns if c["fieldname"].startswith("range")]
	assert labels[0] == f"1-{ageing_range.split(',')[0].strip()} days"
	assert labels[-1].endswith("-Above days")


def test_default_range_is_accounts_receivables():
	customer = make_customer()
	_invoices(customer)
	row, columns, _chart = _collections(customer)
	assert [c["label"] for c in columns if c["fieldname"].startswith("range")] == [
		"1-30 days",
		"31-60 days",
		"61-90 days",
		"91-120 days",
		"121-Above days",
	]
	assert [round(flt(row[f"range{i}"]), 2) for i in range(1, 6)] == _receivable(customer, "30, 60, 90, 120")
	# a site's own default in Accounts Settings is the report's default, as it is Accounts Receivable's
	if frappe.get_meta("Accounts Settings").has_field("default_ageing_range"):
		frappe.db.set_single_value("Accounts Settings", "default_ageing_range", "60, 120")
		row, columns, _chart = _collections(customer)
		assert [round(flt(row[f"range{i}"]), 2) for i in range(1, 4)] == _receivable(customer, "60, 120")


def test_readers_without_amounts_get_invoices_per_bucket():
	customer = make_customer()
	_invoices(customer)
	frappe.set_user(make_user("Sales User"))
	columns, (row,), _message, chart = collections_follow_up.execute({"customer": customer})
	# 1 and 30 | 31 and 60 | 61 and 90 | 91 and 120 | 121 and 400 days past due
	assert [row[f"range{i}"] for i in range(1, 6)] == [2, 2, 2, 2, 2]
	assert chart["data"]["datasets"][0]["values"] == [2, 2, 2, 2, 2]
	assert "overdue_amount" not in row
	assert not any(c["fieldtype"] == "Currency" for c in columns)
