"""Journal entries: one touchpoint per customer whose Sales Invoices an entry settles (a net credit is a
collection, a net debit a refund)."""

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import GroupConcat, Max, Sum

from crm_plus.touchpoints.kinds import payment_direction, settlement_type
from crm_plus.touchpoints.sources.base import Source, const, row, standard


def _journal_entry(t):
	account = DocType("Journal Entry Account")
	net = Sum(account.credit - account.debit)
	return (
		row(
			frappe.qb.from_(t)
			.join(account)
			.on((account.parent == t.name) & (account.parenttype == "Journal Entry")),
			account.party,
			Case().when(net < 0, settlement_type(-1)).else_(settlement_type(1)),
			const("System"),
			Case().when(net < 0, payment_direction("Pay")).else_(payment_direction("Receive")),
			const("Journal Entry"),
			t.name,
			t.company,
			t.posting_date,
			Max(account.account_currency),
			Sum(account.credit_in_account_currency - account.debit_in_account_currency),
			net,
			GroupConcat(account.reference_name).distinct(),
			t.owner,
			*standard(t),
		)
		.where((account.party_type == "Customer") & (account.reference_type == "Sales Invoice"))
		.groupby(t.name, account.party)
	)


def _journal_entry_customers(doc) -> list[str]:
	return sorted(
		{
			r.party
			for r in doc.get("accounts") or []
			if r.party_type == "Customer" and r.reference_type == "Sales Invoice" and r.party
		}
	)


SOURCES = (Source("Journal Entry", _journal_entry, _journal_entry_customers),)
