"""An invoice overdue by more than N days, optionally only invoices above an amount.

Overdue: a submitted, non-return Sales Invoice with an outstanding amount and a due date more than N
days ago; the minimum applies to each invoice's outstanding amount in company currency (none, or one of 0,
is folded away before the scan).

A rule for every company without a minimum reads the customer's relationship figures instead: its
oldest unpaid invoice decides, and the explanation counts every invoice past due (with the amount), not
only those more than N days late.

Otherwise reads crm_plus's covering index of unpaid invoices in customer order (see ``install.py``): each
customer's invoices are aggregated as the scan passes them, where MariaDB would otherwise group 90,000
customers of a million invoices through a temporary table (twice as slow).
"""

from crm_plus.lifecycle.conditions.base import Condition, Parameter, _, in_chunk, in_company
from crm_plus.touchpoints.kinds import base_outstanding_sql

_BASE_OUTSTANDING = base_outstanding_sql("si")

CONDITION = Condition(
	key="overdue_invoice",
	label=_("Invoice overdue by more than N days"),
	description=_("Customers with an invoice unpaid more than N days after its due date."),
	parameters=(
		Parameter("days", _("Days"), default=30, minimum=0),
		Parameter("min_amount", _("Minimum Amount"), required=False, integer=False),
	),
	sql=f"""
		select si.customer,
			count(*) as invoices,
			cast(round(sum({_BASE_OUTSTANDING}), 2) as char) as overdue_amount,
			datediff(%(today)s, min(si.due_date)) as days_overdue,
			substring_index(min(concat(si.due_date, '|', si.name)), '|', -1) as invoice
		from `tabSales Invoice` si force index (crm_plus_unpaid_by_customer)
		where si.docstatus = 1 and si.is_return = 0 and si.outstanding_amount > 0
			and si.due_date < date_sub(%(today)s, interval %(days)s day)
			and (%(min_amount)s is null or %(min_amount)s <= 0 or {_BASE_OUTSTANDING} >= %(min_amount)s)
			and {in_company("si.company")} and {in_chunk("si.customer")}
		group by si.customer
	""",
	explanation=_(
		"Invoice {invoice} overdue by {days_overdue} days ({invoices} overdue, {overdue_amount} outstanding)"
	),
	money=("overdue_amount", "min_amount"),
	public_explanation=_("Invoice {invoice} overdue by {days_overdue} days ({invoices} overdue)"),
	# a rule for every company without a minimum reads the relationship: its oldest unpaid invoice decides
	# (overdue by more than N days), its overdue invoices and amount (all past due) explain
	figures_sql=f"""
		select r.customer, r.overdue_invoices as invoices,
			cast(round(r.overdue_amount, 2) as char) as overdue_amount,
			datediff(%(today)s, r.oldest_unpaid_due_date) as days_overdue, r.oldest_unpaid_invoice as invoice
		from `tabCustomer Relationship` r
		where r.oldest_unpaid_due_date < date_sub(%(today)s, interval %(days)s day)
			and {in_chunk("r.customer")}
	""",
	figures_unless=("min_amount",),
)
