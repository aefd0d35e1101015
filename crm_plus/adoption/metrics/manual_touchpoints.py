"""Touchpoints logged by hand: distinct customers per user per local day.

A hand-logged touchpoint (call, meeting, e-mail, visit, feedback, complaint, other) has no source
document; its author is the user who created it. Ten touchpoints for one customer on one day count once,
so padding does not pay. Cancelled touchpoints never count. Read through the covering index
``crm_plus_adoption_logged`` (owner, creation, ...) on Customer Touchpoint.
"""

from crm_plus.adoption.metrics.base import Metric, _
from crm_plus.touchpoints.kinds import ACTIVE, MANUAL_TYPES

_types = ", ".join(f"'{t}'" for t in sorted(MANUAL_TYPES))

METRIC = Metric(
	key="manual_touchpoints",
	label=_("Customer contacts logged"),
	description=_("Calls, meetings, visits and other contacts logged by hand: one per customer per day."),
	unit=_("customer-days"),
	default_target=40,
	sql=f"""
		select tp.owner as user,
			count(distinct tp.customer, date(tp.creation + interval %(offset)s second)) as value
		from `tabCustomer Touchpoint` tp
		where tp.owner in %(users)s and tp.creation >= %(start)s and tp.creation < %(end)s
			and tp.status = '{ACTIVE}' and tp.reference_name is null and tp.touchpoint_type in ({_types})
		group by tp.owner
	""",
)
