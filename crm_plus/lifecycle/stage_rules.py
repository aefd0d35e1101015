"""Which lifecycle stage a customer is in: the rule, as plain Python.

No ``frappe`` import on purpose: the decision is unit-tested without a bench. ``stages.py`` applies the
very same rule to every customer at once in SQL; the integration tests check that both agree.

In order, the first that applies wins:

1. **Prospect**: no purchase yet (customers converted from an ERPNext Lead or Prospect included);
2. **Churned**: the last purchase is ``churn_days`` or more days old;
3. the stage a lifecycle rule flagged (normally **At Risk**), while no purchase came after the flag;
4. **Nurturing**: the first purchase is less than ``nurturing_days`` old, or the customer bought only once;
5. **Maintenance**: a repeat customer past the nurturing window.
"""

from datetime import date, datetime

PROSPECT = "Prospect"
NURTURING = "Nurturing"
MAINTENANCE = "Maintenance"
AT_RISK = "At Risk"
CHURNED = "Churned"
STAGES = (PROSPECT, NURTURING, MAINTENANCE, AT_RISK, CHURNED)
# stages a rule may set on a customer (the others follow from purchases alone)
FLAG_STAGES = (AT_RISK, CHURNED)


def _day(value: date | datetime | None) -> date | None:
	return value.date() if isinstance(value, datetime) else value


def decide_stage(
	as_of: date,
	invoice_count: int,
	first_purchase: date | None,
	last_purchase: date | None,
	nurturing_days: int,
	churn_days: int,
	flagged_stage: str | None = None,
	flagged_on: date | datetime | None = None,
) -> str:
	"""The stage of one customer on ``as_of``; ``invoice_count`` counts purchases (no returns)."""
	if not invoice_count or first_purchase is None or last_purchase is None:
		return PROSPECT
	if (as_of - last_purchase).days >= churn_days:
		return CHURNED
	if flagged_stage and flagged_on is not None and _day(flagged_on) >= last_purchase:
		return flagged_stage
	if (as_of - first_purchase).days < nurturing_days or invoice_count < 2:
		return NURTURING
	return MAINTENANCE
