"""Customer Relationship figures, recomputed set-wise from ERPNext's own tables and the touchpoints.

One code path serves every caller: a doc event has the customer it touched refreshed right after its
commit (a handful of indexed aggregate queries, in a background job), the daily job and the backfill
refresh every customer in one pass. Figures
are therefore never drifted sums: each refresh is exact for the customers it covers.

Amounts are base amounts, shown in the currency of the company the customer is billed by (with several
companies in different currencies the sum mixes currencies: a known limit); revenue is the net total (before taxes)
of submitted Sales Invoices, so credit notes, which carry negative totals, reduce it.
"""

from collections.abc import Iterable

import erpnext
import frappe
from frappe.utils import add_days, getdate, now_datetime

from crm_plus.touchpoints.kinds import ACTIVE, NON_CONTACT_TYPES

RECENT_DAYS = 90


def refresh(customers: Iterable[str] | None = None, as_of=None) -> None:
	"""Recompute the relationship of the given customers; all customers when ``customers`` is None."""
	if customers is not None:
		customers = tuple(sorted({c for c in customers if c}))
		if not customers:
			return
	as_of = getdate(as_of)
	params = {
		"customers": customers,
		"today": as_of,
		"recent": add_days(as_of, -RECENT_DAYS),
		"now": now_datetime(),
		"currency": erpnext.get_default_currency(),
		"non_contact": tuple(NON_CONTACT_TYPES),
		"active": ACTIVE,
	}
	_ensure_rows(params)
	_billing(params)
	_activity(params)
	_days_to_pay(params)
	# other capabilities (lifecycle stages) derive their state from the fresh figures
	for fn in frappe.get_hooks("crm_plus_after_refresh"):
		frappe.get_attr(fn)(customers, as_of)


def refresh_later(customers: Iterable[str]) -> None:
	"""Refresh these customers after the current transaction commits, in a background job, so that
	submitting an invoice or payment never waits for the figures (tests refresh at once)."""
	customers = sorted({c for c in customers if c})
	if customers:
		frappe.enqueue(
			"crm_plus.touchpoints.relationship.refresh",
			queue="short",
			enqueue_after_commit=True,
			now=bool(frappe.flags.in_test),
			customers=customers,
		)


def refresh_all(as_of=None, progress=None) -> int:
	"""Refresh every customer in one set-based pass: a handful of whole-table statements, no IN lists."""
	refresh(None, as_of)
	total = frappe.db.count("Customer Relationship")
	if progress:
		progress(total, total)
	return total


def _in(column: str, params: dict) -> str:
	return f"and {column} in %(customers)s" if params["customers"] is not None else ""


def _ensure_rows(params):
	"""Create the missing relationship rows; the account owner starts as the Customer's account manager."""
	frappe.db.sql(
		f"""
		insert into `tabCustomer Relationship`
			(name, customer, customer_name, account_owner, currency, lifecycle_stage,
			creation, modified, owner, modified_by, docstatus, idx)
		select c.name, c.name, c.customer_name, c.account_manager, %(currency)s, 'Prospect',
			%(now)s, %(now)s, 'Administrator', 'Administrator', 0, 0
		from `tabCustomer` c
		where 1=1 {_in("c.name", params)}
		on duplicate key update `tabCustomer Relationship`.`idx` = `tabCustomer Relationship`.`idx`
		""",
		params,
	)


# outstanding_amount is in the party account's currency; convert it to company currency when that
# account is in the invoice's (foreign) currency.
_BASE_OUTSTANDING = (
	"si.outstanding_amount * case when si.party_account_currency = si.currency "
	"then si.conversion_rate else 1 end"
)


def _billing(params):
	frappe.db.sql(
		f"""
		update `tabCustomer Relationship` r
		left join (
			select si.customer,
				max(si.company) as company,
				sum(si.base_net_total) as revenue,
				sum(case when si.is_return = 0 then 1 else 0 end) as invoices,
				min(case when si.is_return = 0 then si.posting_date end) as first_purchase,
				max(case when si.is_return = 0 then si.posting_date end) as last_purchase,
				sum({_BASE_OUTSTANDING}) as outstanding,
				sum(case when si.is_return = 0 and si.outstanding_amount > 0 and si.due_date < %(today)s
					then {_BASE_OUTSTANDING} else 0 end) as overdue
			from `tabSales Invoice` si
			where si.docstatus = 1 {_in("si.customer", params)}
			group by si.customer
		) s on s.customer = r.name
		left join `tabCompany` co on co.name = s.company
		set r.currency = coalesce(co.default_currency, r.currency),
			r.lifetime_revenue = coalesce(s.revenue, 0),
			r.invoice_count = coalesce(s.invoices, 0),
			r.first_purchase_date = s.first_purchase,
			r.last_purchase_date = s.last_purchase,
			r.outstanding_amount = coalesce(s.outstanding, 0),
			r.overdue_amount = coalesce(s.overdue, 0),
			r.refreshed_on = %(now)s
		where 1=1 {_in("r.name", params)}
		""",
		params,
	)


def _activity(params):
	frappe.db.sql(
		f"""
		update `tabCustomer Relationship` r
		left join (
			select tp.customer,
				max(case when tp.touchpoint_type not in %(non_contact)s then tp.posting_date end) as last_contact,
				sum(case when tp.touchpoint_type not in %(non_contact)s
					and tp.posting_date > %(recent)s and tp.posting_date <= %(today)s then 1 else 0 end) as recent,
				max(case when tp.touchpoint_type = 'Payment' then tp.posting_date end) as last_payment
			from `tabCustomer Touchpoint` tp
			where tp.status = %(active)s {_in("tp.customer", params)}
			group by tp.customer
		) a on a.customer = r.name
		set r.last_touchpoint_date = a.last_contact,
			r.touchpoints_90d = coalesce(a.recent, 0),
			r.last_payment_date = a.last_payment
		where 1=1 {_in("r.name", params)}
		""",
		params,
	)


def _days_to_pay(params):
	"""Average days from invoice date to the last settling ledger entry, over fully paid invoices."""
	frappe.db.sql(
		f"""
		update `tabCustomer Relationship` r
		left join (
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
		) d on d.customer = r.name
		set r.avg_days_to_pay = coalesce(d.days, 0)
		where 1=1 {_in("r.name", params)}
		""",
		params,
	)
