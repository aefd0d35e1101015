"""CRM Plan Evaluations completed on time, by the plan manager they were made for.

An evaluation is completed when it is submitted; on time when that is no later than ``GRACE_DAYS`` after
its due date (its scheduled date, or the end of its period for one made on demand). The submission time
is the evaluation's last modification. Cancelled (and amended) evaluations never count.
"""

from crm_plus.adoption.metrics.base import Metric, _

GRACE_DAYS = 7

METRIC = Metric(
	key="plan_evaluations",
	label=_("Plan evaluations completed on time"),
	description=_("CRM Plan Evaluations submitted by their manager within a week of their due date."),
	unit=_("evaluations"),
	default_target=1,
	sql=f"""
		select e.manager as user, count(*) as value
		from `tabCRM Plan Evaluation` e
		where e.manager in %(users)s and e.docstatus = 1
			and e.modified >= %(start)s and e.modified < %(end)s
			and date(e.modified + interval %(offset)s second)
				<= coalesce(e.scheduled_for, e.period_to) + interval {GRACE_DAYS} day
		group by e.manager
	""",
)
