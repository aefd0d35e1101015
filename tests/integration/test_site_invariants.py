"""Site-wide: every submitted or cancelled Sales Invoice and customer Payment Entry has exactly one
touchpoint in the matching status. Holds after ERPNext's own test suites ran on the site with crm_plus
installed (see README, "ERPNext's own suites")."""

import frappe


def _violations(doctype: str, types: tuple[str, ...], extra: str = "") -> list:
	return frappe.db.sql(
		f"""
		select src.name, src.docstatus, count(tp.name) as touchpoints,
			sum(tp.status = case when src.docstatus = 2 then 'Cancelled' else 'Active' end) as matching
		from `tab{doctype}` src
		left join `tabCustomer Touchpoint` tp
			on tp.reference_doctype = %(doctype)s and tp.reference_name = src.name
			and tp.touchpoint_type in %(types)s
		where src.docstatus in (1, 2) {extra}
		group by src.name, src.docstatus
		having count(tp.name) != 1 or coalesce(matching, 0) != 1
		limit 20
		""",  # nosemgrep
		{"doctype": doctype, "types": types},
		as_dict=True,
	)


def test_every_sales_invoice_has_exactly_one_touchpoint_in_its_status():
	assert _violations("Sales Invoice", ("Invoice", "Credit Note")) == []


def test_every_customer_payment_entry_has_exactly_one_touchpoint_in_its_status():
	extra = "and src.party_type = 'Customer' and src.payment_type in ('Receive', 'Pay')"
	assert _violations("Payment Entry", ("Payment", "Refund"), extra) == []
