"""Customer Relationship figures, recomputed set-wise from ERPNext's own tables and the touchpoints.

One code path serves every caller: a doc event has the customer it touched refreshed right after its
commit (a handful of indexed aggregate queries, in a background job), the daily job and the backfill
refresh every customer, a range of customer names per chunk. Figures are therefore never drifted sums:
each refresh is exact for the customers it covers. The figures are read with plain SELECTs and written
into Customer Relationship afterwards (never ``UPDATE ... JOIN`` over ERPNext's tables, which would
share-lock every invoice it reads; see ``chunks.py``).

Amounts are base amounts, shown in the currency of the company the customer is billed by (with several
companies in different currencies the sum mixes currencies: a known limit); revenue is the net total (before taxes)
of submitted Sales Invoices, so credit notes, which carry negative totals, reduce it.
"""

from collections.abc import Iterable
from functools import partial

import erpnext
import frappe
from frappe.utils import add_days, flt, getdate, now_datetime

from crm_plus import compat
from crm_plus.touchpoints import chunks
from crm_plus.touchpoints.kinds import ACTIVE, NON_CONTACT_TYPES, base_outstanding_sql

RECENT_DAYS = 90
# When a refresh of every customer ends, every customer created before it began has a relationship with a
# stage; lifecycle rules on prospects then look for customers without one only among those modified since
# (``lifecycle/scope.py``). Kept in the cache: without it they look at every customer, which is only slower.
COMPLETE_SINCE = "crm_plus:relationships_complete_since"
FIGURES = (
	"currency",
	"lifetime_revenue",
	"invoice_count",
	"first_purchase_date",
	"last_purchase_date",
	"last_invoice",
	"outstanding_amount",
	"overdue_amount",
	"overdue_invoices",
	"oldest_unpaid_due_date",
	"oldest_unpaid_invoice",
	"last_touchpoint_date",
	"touchpoints_90d",
	"last_payment_date",
	"avg_days_to_pay",
	"refreshed_on",
)


def refresh(customers: Iterable[str] | None = None, as_of=None) -> None:
	"""Recompute the relationship of the given customers; all customers (chunked, committing per chunk)
	when ``customers`` is None."""
	if customers is None:
		refresh_all(as_of)
		return
	customers = tuple(sorted({c for c in customers if c}))
	if customers:
		_refresh(_params(as_of, customers=customers), as_of)


def refresh_later(customers: Iterable[str]) -> None:
	"""Refresh these customers after the current transaction commits, in a background job, so that
	submitting an invoice or payment never waits for the figures (tests refresh at once)."""
	customers = sorted({c for c in customers if c})
	if customers:
		frappe.enqueue(
			"crm_plus.touchpoints.relationship.refresh",
			queue="short",
			enqueue_after_commit=True,
			now=compat.in_test(),
			customers=customers,
		)


def refresh_all(as_of=None, progress=None, chunk: int = chunks.CHUNK) -> int:
	"""Refresh every customer, one range of customer names per chunk: plain SELECTs over ERPNext's tables,
	one multi-row upsert into Customer Relationship, a commit (see ``chunks.py``)."""
	started = now_datetime()
	ranges = chunks.name_ranges("Customer", chunk)
	total = 0
	for i, (start, end) in enumerate(ranges):
		total += _refresh(_params(as_of, start=start, end=end), as_of)
		if i == len(ranges) - 1:  # once the last chunk is committed (never when it is rolled back)
			frappe.db.after_commit.add(partial(remember_complete, started))
		chunks.commit()
		if progress:
			progress(i + 1, len(ranges))
	return total


def complete_since():
	"""Since when every customer created earlier has a relationship with a stage (None: not known)."""
	return frappe.cache.get_value(COMPLETE_SINCE)


def remember_complete(since) -> None:
	frappe.cache.set_value(COMPLETE_SINCE, since)


def forget_complete() -> None:
	"""A relationship was deleted: no longer every customer created earlier has one."""
	frappe.cache.delete_value(COMPLETE_SINCE)


def _params(as_of, customers=None, start=None, end=None) -> dict:
	as_of = getdate(as_of)
	return {
		"customers": customers,
		"start": start,
		"end": end,
		"today": as_of,
		"recent": add_days(as_of, -RECENT_DAYS),
		"now": now_datetime(),
		"currency": erpnext.get_default_currency(),
		"non_contact": tuple(NON_CONTACT_TYPES),
		"active": ACTIVE,
	}


def _in(column: str, params: dict) -> str:
	"""The customers of this refresh: a list, or a range of names [start, end)."""
	if params["customers"] is not None:
		return f"and {column} in %(customers)s"
	return f"and (%(start)s is null or {column} >= %(start)s) and (%(end)s is null or {column} < %(end)s)"


def _refresh(params: dict, as_of) -> int:
	"""Read the figures (plain SELECTs: no locks on ERPNext's tables), write them in one upsert, then let
	other capabilities (lifecycle stages) derive their state from them. Returns the customers refreshed."""
	customers = frappe.db.sql(
		f"select c.name, c.customer_name, c.account_manager from `tabCustomer` c where 1=1 {_in('c.name', params)}",
		params,
	)
	if not customers:
		return 0
	billing, activity, days = _billing(params), _activity(params), _days_to_pay(params)
	currency = dict(frappe.db.sql("select name, default_currency from `tabCompany`"))
	known = dict(
		frappe.db.sql(
			f"select r.name, r.currency from `tabCustomer Relationship` r where 1=1 {_in('r.name', params)}",
			params,
		)
	)
	rows = []
	for name, customer_name, account_manager in customers:
		b = billing.get(name) or {}
		a = activity.get(name) or {}
		rows.append(
			(
				name,
				name,
				customer_name,
				account_manager,
				"Prospect",
				currency.get(b.get("company")) or known.get(name) or params["currency"],
				flt(b.get("revenue")),
				int(b.get("invoices") or 0),
				b.get("first_purchase"),
				b.get("last_purchase"),
				b.get("last_invoice"),
				flt(b.get("outstanding")),
				flt(b.get("overdue")),
				int(b.get("overdue_invoices") or 0),
				b.get("oldest_due"),
				b.get("oldest_due_invoice"),
				a.get("last_contact"),
				int(a.get("recent") or 0),
				a.get("last_payment"),
				flt(days.get(name)),
				params["now"],
				params["now"],
				params["now"],
			)
		)
	_upsert(rows)
	names = tuple(row[0] for row in customers)
	for fn in frappe.get_hooks("crm_plus_after_refresh"):
		frappe.get_attr(fn)(names, as_of)
	return len(rows)


def _upsert(rows: list[tuple]) -> None:
	"""Create missing relationship rows (account owner from the Customer's account manager, stage
	Prospect) and set every figure of existing ones; a row's name, owner and stage are left as they are."""
	columns = ("name", "customer", "customer_name", "account_owner", "lifecycle_stage", *FIGURES)
	one = "(" + ", ".join(["%s"] * (len(columns) + 2)) + ", 'Administrator', 'Administrator', 0, 0)"
	update = ", ".join(f"`{c}` = values(`{c}`)" for c in FIGURES)
	for batch in chunks.batches(rows, 1000):
		frappe.db.sql(
			f"""insert into `tabCustomer Relationship`
				({", ".join(f"`{c}`" for c in columns)}, creation, modified, owner, modified_by, docstatus, idx)
			values {", ".join([one] * len(batch))}
			on duplicate key update {update}""",  # nosemgrep: column names are constants, values bound
			[v for row in batch for v in row],
		)


def _by_customer(rows) -> dict:
	return {row.pop("customer"): row for row in rows}


def _billing(params) -> dict:
	outstanding = base_outstanding_sql("si")
	return _by_customer(
		frappe.db.sql(
			f"""
			select si.customer,
				max(si.company) as company,
				sum(si.base_net_total) as revenue,
				sum(case when si.is_return = 0 then 1 else 0 end) as invoices,
				min(case when si.is_return = 0 then si.posting_date end) as first_purchase,
				max(case when si.is_return = 0 then si.posting_date end) as last_purchase,
				substring(max(case when si.is_return = 0 then concat(si.posting_date, si.name) end), 11)
					as last_invoice,
				sum({outstanding}) as outstanding,
				sum(case when si.is_return = 0 and si.outstanding_amount > 0 and si.due_date < %(today)s
					then {outstanding} else 0 end) as overdue,
				sum(case when si.is_return = 0 and si.outstanding_amount > 0 and si.due_date < %(today)s
					then 1 else 0 end) as overdue_invoices,
				min(case when si.is_return = 0 and si.outstanding_amount > 0 then si.due_date end) as oldest_due,
				substring_index(min(case when si.is_return = 0 and si.outstanding_amount > 0
					then concat(si.due_date, '|', si.name) end), '|', -1) as oldest_due_invoice
			from `tabSales Invoice` si
			where si.docstatus = 1 {_in("si.customer", params)}
			group by si.customer
			""",
			params,
			as_dict=True,
		)
	)


def _activity(params) -> dict:
	return _by_customer(
		frappe.db.sql(
			f"""
			select tp.customer,
				max(case when tp.touchpoint_type not in %(non_contact)s then tp.posting_date end) as last_contact,
				sum(case when tp.touchpoint_type not in %(non_contact)s
					and tp.posting_date > %(recent)s and tp.posting_date <= %(today)s then 1 else 0 end) as recent,
				max(case when tp.touchpoint_type = 'Payment' then tp.posting_date end) as last_payment
			from `tabCustomer Touchpoint` tp
			where tp.status = %(active)s {_in("tp.customer", params)}
			group by tp.customer
			""",
			params,
			as_dict=True,
		)
	)


def _days_to_pay(params) -> dict:
	"""Average days from invoice date to the last settling ledger entry, over fully paid invoices."""
	return dict(
		frappe.db.sql(
			f"""
			select si.customer, avg(datediff(p.paid_on, si.posting_date)) as days
			from `tabSales Invoice` si
			join (
				select ple.against_voucher_no, max(ple.posting_date) as paid_on
				from `tabPayment Ledger Entry` ple
				where ple.against_voucher_type = 'Sales Invoice' and ple.party_type = 'Customer'
					and ple.voucher_no != ple.against_voucher_no and ple.delinked = 0
					{_in("ple.party", params)}
				group by ple.against_voucher_no
			) p on p.against_voucher_no = si.name
			where si.docstatus = 1 and si.is_return = 0 and si.outstanding_amount = 0
				{_in("si.customer", params)}
			group by si.customer
			""",
			params,
		)
	)
