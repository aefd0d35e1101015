"""Purchase frequency dropped by X% against the previous period of the same length.

Counts purchases (submitted, non-return Sales Invoices) in the last N days and in the N days before;
matches when the earlier period had purchases and the count fell by at least X percent.
"""

from crm_plus.lifecycle.conditions.base import Condition, Parameter, _, in_chunk, in_company

CONDITION = Condition(
	key="frequency_drop",
	label=_("Purchase frequency dropped by X%"),
	description=_("Fewer purchases in the last N days than in the N days before, by at least X percent."),
	parameters=(
		Parameter("percent", _("Drop (%)"), default=50, minimum=1, maximum=100),
		Parameter("days", _("Days"), default=90, minimum=1),
	),
	sql=f"""
		select p.customer, cast(p.current_count as signed) as current_count,
			cast(p.previous_count as signed) as previous_count,
			cast(round((p.previous_count - p.current_count) * 100 / p.previous_count) as signed) as drop_percent
		from (
			select si.customer,
				sum(case when si.posting_date > date_sub(%(today)s, interval %(days)s day)
					then 1 else 0 end) as current_count,
				sum(case when si.posting_date <= date_sub(%(today)s, interval %(days)s day)
					then 1 else 0 end) as previous_count
			from `tabSales Invoice` si
			where si.docstatus = 1 and si.is_return = 0
				and si.posting_date > date_sub(%(today)s, interval 2 * %(days)s day)
				and si.posting_date <= %(today)s
				and {in_company("si.company")} and {in_chunk("si.customer")}
			group by si.customer
		) p
		where p.previous_count > 0
			and (p.previous_count - p.current_count) * 100 >= %(percent)s * p.previous_count
	""",
	explanation=_(
		"{current_count} purchases in the last {days} days against {previous_count} in the {days} days before (down {drop_percent}%)"
	),
)
