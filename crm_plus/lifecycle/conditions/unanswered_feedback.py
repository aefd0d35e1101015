"""Feedback or complaint not answered within H hours (the source's "respond within 24 hours").

An inbound Feedback or Complaint touchpoint is answered by any later outbound contact (call, meeting,
e-mail, visit, feedback, complaint, other); times are the touchpoints' creation, for hour precision.
Survey answers count too: each Feedback Response puts an inbound Feedback touchpoint on the timeline,
which is also answered once the response is acknowledged (or resolved).
Evaluated hourly.
"""

from crm_plus.lifecycle.conditions.base import HOURLY, Condition, Parameter, _, in_chunk

ANSWER_TYPES = ("Feedback", "Call", "Meeting", "Email", "Visit", "Complaint", "Other")

_answers = ", ".join(f"'{t}'" for t in ANSWER_TYPES)

CONDITION = Condition(
	key="unanswered_feedback",
	label=_("Feedback or complaint not answered within H hours"),
	description=_("Inbound feedback or complaints with no later outbound contact after H hours."),
	frequency=HOURLY,
	parameters=(Parameter("hours", _("Hours"), default=24, minimum=1),),
	sql=f"""
		select tp.customer,
			count(*) as unanswered,
			timestampdiff(hour, min(tp.creation), %(now)s) as hours_waiting,
			substring_index(min(concat(tp.creation, '|', tp.name)), '|', -1) as touchpoint
		from `tabCustomer Touchpoint` tp
		where tp.status = 'Active' and tp.direction = 'Inbound'
			and tp.touchpoint_type in ('Feedback', 'Complaint')
			and tp.creation <= date_sub(%(now)s, interval %(hours)s hour)
			and (%(company)s is null or tp.company is null or tp.company = %(company)s)
			and {in_chunk("tp.customer")}
			and not exists (
				select 1 from `tabCustomer Touchpoint` ans
				where ans.customer = tp.customer and ans.status = 'Active' and ans.direction = 'Outbound'
					and ans.touchpoint_type in ({_answers}) and ans.creation > tp.creation
			)
			and not exists (
				select 1 from `tabFeedback Response` fr
				where tp.reference_doctype = 'Feedback Response'
					and fr.name = cast(tp.reference_name as unsigned) and fr.acknowledged_on is not null
			)
		group by tp.customer
	""",
	explanation=_("Touchpoint {touchpoint} unanswered for {hours_waiting} hours ({unanswered} waiting)"),
)
