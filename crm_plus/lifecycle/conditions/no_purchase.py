"""No purchase for N days (the source's "no purchase for two consecutive months → remind sales").

Reads crm_plus's covering index on Sales Invoice (see ``install.py``), which MariaDB's optimiser otherwise
passes over for ERPNext's single-column ``customer`` index (7x slower on a million invoices). A purchase
is a submitted, non-return Sales Invoice; customers who never bought are prospects, not
matched here. Day ``days`` after the last purchase matches (60 days without purchase match a 60-day rule).

A rule for every company reads the customer's relationship figures instead (its last purchase and last
invoice, the same definition), a read of one row per customer rather than of every invoice.
"""

from crm_plus.lifecycle.conditions.base import Condition, Parameter, _, in_chunk, in_company

CONDITION = Condition(
	key="no_purchase",
	label=_("No purchase for N days"),
	description=_("Customers whose last invoice is at least N days old."),
	parameters=(Parameter("days", _("Days"), default=60, minimum=1),),
	sql=f"""
		select si.customer,
			cast(max(si.posting_date) as char) as last_purchase,
			datediff(%(today)s, max(si.posting_date)) as days_since,
			substring(max(concat(si.posting_date, si.name)), 11) as invoice
		from `tabSales Invoice` si force index (crm_plus_customer_history)
		where si.docstatus = 1 and si.is_return = 0
			and {in_company("si.company")} and {in_chunk("si.customer")}
		group by si.customer
		having max(si.posting_date) <= date_sub(%(today)s, interval %(days)s day)
	""",
	explanation=_("{days_since} days since last invoice {invoice}"),
	# a rule for every company reads the relationship's last purchase (the same definition, kept per customer)
	figures_sql=f"""
		select r.customer, cast(r.last_purchase_date as char) as last_purchase,
			datediff(%(today)s, r.last_purchase_date) as days_since, r.last_invoice as invoice
		from `tabCustomer Relationship` r
		where r.last_purchase_date <= date_sub(%(today)s, interval %(days)s day) and {in_chunk("r.customer")}
	""",
)
