"""Health is Unhealthy: the customer's latest health score (Insights, recomputed nightly) is labelled
*Unhealthy*, optionally only below a score. (The key keeps its first name, ``health_at_risk``: rules
store it; the label was renamed so that "At Risk" means only the lifecycle stage.)

Reads crm_plus's own Customer Relationship (indexed on ``health_label``); the company, when the rule
names one, is the company the customer's segment is ranked in.
"""

from crm_plus.lifecycle.conditions.base import Condition, Parameter, _, in_chunk

CONDITION = Condition(
	key="health_at_risk",
	label=_("Health is Unhealthy"),
	description=_("Customers whose health score is labelled Unhealthy (optionally below a maximum score)."),
	parameters=(Parameter("max_score", _("Health Score Below"), required=False, minimum=1, maximum=100),),
	sql=f"""
		select r.customer, r.health_score, r.rfm_segment
		from `tabCustomer Relationship` r
		where r.health_label = 'Unhealthy'
			and (%(max_score)s is null or r.health_score < %(max_score)s)
			and (%(company)s is null or r.rfm_company = %(company)s)
			and {in_chunk("r.customer")}
	""",
	explanation=_("Health score {health_score} (Unhealthy), segment {rfm_segment}"),
)
