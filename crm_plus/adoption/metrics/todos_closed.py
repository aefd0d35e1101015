"""ToDos from lifecycle rules and plan evaluations closed on time, by the user they were assigned to.

A ToDo is on time when it is closed by its date, and never sooner than ``DEFAULT_DAYS`` days after it
was assigned (a ToDo's date defaults to the day it is made, which is what rules and evaluations leave). A ToDo records no closing time of its own, so the time it was last modified (closing is
its last change) says when and in which period. Cancelled ToDos never count.
"""

from crm_plus.adoption.metrics.base import Metric, _

DEFAULT_DAYS = 7
SOURCES = ("Lifecycle Alert", "CRM Plan Evaluation")

_sources = ", ".join(f"'{s}'" for s in SOURCES)

METRIC = Metric(
	key="todos_closed",
	label=_("CRM ToDos closed on time"),
	description=_("ToDos from lifecycle rules and plan evaluations closed by their date."),
	unit=_("ToDos"),
	default_target=10,
	sql=f"""
		select t.allocated_to as user, count(*) as value
		from `tabToDo` t
		where t.allocated_to in %(users)s and t.status = 'Closed' and t.reference_type in ({_sources})
			and t.modified >= %(start)s and t.modified < %(end)s
			and date(t.modified + interval %(offset)s second)
				<= greatest(
					coalesce(t.date, date(t.creation)),
					date(t.creation + interval %(offset)s second) + interval {DEFAULT_DAYS} day
				)
		group by t.allocated_to
	""",
)
