"""Fewer than K follow-ups within N days (the source's "follow a prospect up at least twice").

A follow-up is an active outbound call, meeting, e-mail, visit or quotation. Customers count once they
are known for the whole window (created N or more days ago); the window is the last N days and today.
"""

from crm_plus.lifecycle.conditions.base import Condition, Parameter, _, in_chunk

FOLLOW_UP_TYPES = ("Call", "Meeting", "Email", "Visit", "Quotation")

_types = ", ".join(f"'{t}'" for t in FOLLOW_UP_TYPES)

CONDITION = Condition(
	key="few_followups",
	label=_("Fewer than K follow-ups within N days"),
	description=_("Customers followed up fewer than K times (calls, meetings, e-mails, visits, quotations)."),
	parameters=(
		Parameter("count", _("Follow-ups"), default=2, minimum=1),
		Parameter("days", _("Days"), default=7, minimum=1),
	),
	sql=f"""
		select c.name as customer, coalesce(f.followups, 0) as followups,
			cast(f.last_followup as char) as last_followup
		from `tabCustomer` c
		left join (
			select tp.customer, count(*) as followups, max(tp.posting_date) as last_followup
			from `tabCustomer Touchpoint` tp
			where tp.status = 'Active' and tp.direction = 'Outbound' and tp.touchpoint_type in ({_types})
				and tp.posting_date >= date_sub(%(today)s, interval %(days)s day)
				and tp.posting_date <= %(today)s
				and (%(company)s is null or tp.company is null or tp.company = %(company)s)
				and {in_chunk("tp.customer")}
			group by tp.customer
		) f on f.customer = c.name
		where c.disabled = 0 and c.creation < date_sub(%(today)s, interval %(days)s - 1 day)
			and coalesce(f.followups, 0) < %(count)s and {in_chunk("c.name")}
	""",
	explanation=_("{followups} follow-ups in the last {days} days, at least {count} expected"),
)
