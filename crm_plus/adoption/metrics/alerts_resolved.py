"""Lifecycle alerts resolved within their rule's cooldown, by the user responsible for them.

An alert counts in the period in which it was resolved, if it was resolved no later than the rule's
cooldown after it was raised (before the same rule could raise it again). Reopened alerts are Open, so
they do not count until resolved again; deleted alerts are gone.
"""

from crm_plus.adoption.metrics.base import Metric, _

METRIC = Metric(
	key="alerts_resolved",
	label=_("Lifecycle alerts resolved in time"),
	description=_("Lifecycle alerts resolved by their responsible user within the rule's cooldown."),
	unit=_("alerts"),
	default_target=10,
	sql="""
		select a.responsible_user as user, count(*) as value
		from `tabLifecycle Alert` a
		join `tabLifecycle Rule` r on r.name = a.rule
		where a.responsible_user in %(users)s and a.status = 'Resolved'
			and a.resolved_on >= %(start)s and a.resolved_on < %(end)s
			and a.resolved_on <= a.matched_on + interval greatest(coalesce(r.cooldown_days, 1), 1) day
		group by a.responsible_user
	""",
)
