"""The customer's last feedback was unhappy: CSAT below a threshold, or an NPS detractor (0-6).

The last Feedback Response of each customer submitted within D days decides; a response without a
Rating or NPS answer says nothing and is skipped (its CSAT column holds 0 for "not asked": ``has_csat``
says whether it asked), and a response without a Rating answer is judged by its NPS category alone.
Evaluated daily.
"""

from crm_plus.lifecycle.conditions.base import Condition, Parameter, _, in_chunk

CONDITION = Condition(
	key="low_satisfaction",
	label=_("Last satisfaction below a threshold or NPS detractor"),
	description=_(
		"Customers whose last feedback within D days scored a CSAT below the threshold or was an NPS "
		"detractor (0-6)."
	),
	parameters=(
		Parameter("csat_below", _("CSAT Below (%)"), default=60, integer=False, maximum=100),
		Parameter("days", _("Days"), default=90, minimum=1),
	),
	sql=f"""
		select fr.customer, max(fr.name) as response,
			coalesce(concat(round(min(case when fr.has_csat = 1 then fr.csat end), 1), '%%'), '—') as csat,
			coalesce(nullif(max(coalesce(fr.nps_category, '')), ''), '—') as nps_category,
			cast(date(max(fr.submitted_on)) as char) as submitted_on
		from `tabFeedback Response` fr
		join (
			select last.customer, max(last.submitted_on) as submitted_on
			from `tabFeedback Response` last
			where last.customer is not null
				and (last.has_csat = 1 or last.nps_category in ('Promoter', 'Passive', 'Detractor'))
				and last.submitted_on >= date_sub(%(now)s, interval %(days)s day)
				and {in_chunk("last.customer")}
			group by last.customer
		) latest on latest.customer = fr.customer and latest.submitted_on = fr.submitted_on
		where ((fr.has_csat = 1 and fr.csat < %(csat_below)s) or fr.nps_category = 'Detractor')
		group by fr.customer
	""",
	# a measure the response did not ask reads "—"
	explanation=_("Feedback {response} of {submitted_on}: CSAT {csat}, NPS {nps_category}"),
)
