"""Feedback responses answered on time, by the user responsible for them (the ``feedback`` module).

Counts nothing until the Feedback Response doctype exists on the site. A response is answered when it is
Acknowledged or Resolved; on time when its first response came within ``HOURS`` hours of its arrival
(the source's "answer feedback within 24 hours"). It counts in the period of that first response.
Cancelled responses (docstatus 2) never count; deleted ones are gone. Columns are the doctype's
``responsible``, ``acknowledged_on`` (set on the first move to Acknowledged or Resolved) and
``submitted_on``, looked up by name so an older or newer shape of the doctype counts nothing rather
than failing.
"""

import frappe

from crm_plus.adoption.metrics.base import Metric, _

DOCTYPE = "Feedback Response"
HOURS = 24
ANSWERED = ("Acknowledged", "Resolved")
USER_FIELDS = ("responsible", "responsible_user")
FIRST_RESPONSE_FIELDS = ("acknowledged_on", "first_response_on")
RECEIVED_FIELDS = ("submitted_on", "creation")


def _first(candidates: tuple[str, ...]) -> str | None:
	return next((f for f in candidates if frappe.db.has_column(DOCTYPE, f)), None)


def _sql() -> str | None:
	user, answered, received = _first(USER_FIELDS), _first(FIRST_RESPONSE_FIELDS), _first(RECEIVED_FIELDS)
	if not (user and answered and received):
		return None
	statuses = ", ".join(f"'{s}'" for s in ANSWERED)
	return f"""
		select r.`{user}` as user, count(*) as value
		from `tabFeedback Response` r
		where r.`{user}` in %(users)s and r.docstatus < 2 and r.status in ({statuses})
			and r.`{answered}` >= %(start)s and r.`{answered}` < %(end)s
			and r.`{answered}` <= r.`{received}` + interval {HOURS} hour
		group by r.`{user}`
	"""


METRIC = Metric(
	key="feedback_answered",
	label=_("Feedback answered within 24 hours"),
	description=_("Customer feedback responses acknowledged by their responsible user within 24 hours."),
	unit=_("responses"),
	default_target=5,
	requires=(DOCTYPE,),
	sql=_sql,
)
