"""Health is At Risk: the customer's latest health score (Insights, recomputed nightly) is labelled
*At Risk*, optionally only below a score.

Reads crm_plus's own Customer Relationship (indexed on ``health_label``); the company, when the rule
names one, is the company the customer's segment is ranked in.
"""

from crm_plus.lifecycle.conditions.base import Condition, Parameter, _, in_chunk

CONDITION = Condition(
	key="health_at_risk",
	label=_("Health is At Risk"),
	description=_("Customers whose health score is labelled At Risk (optionally below a maximum score)."),
	parameters=(Parameter("max_score", _("Health Score Below"), required=False, minimum=1, maximum=100),),
	sql=f"""
		select r.customer, r.health_score, r.rfm_segment
		from `tabCustomer Relationship` r
		where r.health_label = 'At Risk'
			and (%(max_score)s is null or r.health_score < %(max_score)s)
			and (%(company)s is null or r.rfm_company = %(company)s)
			and {in_chunk("r.customer")}
	""",
	explanation=_("Health score {health_score} (At Risk), segment {rfm_segment}"),
)
