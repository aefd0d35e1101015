"""Service: an Issue's life, a Warranty Claim and a Maintenance Visit (field service).

An Issue of a customer leaves up to three touchpoints, with ERPNext's own figures:

- *Issue Opened* (Inbound) on its opening date, by the channel it came in (the portal: Web, an Email
  Account: Email, else System: recorded by staff);
- *Issue Answered* (Outbound) once ERPNext has set its first response (``first_responded_on``), on that
  day, with ERPNext's ``first_response_time`` as its duration; the responsible user is the sender of the
  first reply on the issue;
- *Issue Resolved* (Outbound) while the issue is Resolved or Closed, on ERPNext's resolution date
  (``sla_resolution_date``; where no Service Level Agreement sets one, the day the resolved issue was last
  changed), with ERPNext's ``resolution_time`` as its duration (empty where ERPNext measures none); the
  responsible user is whoever marked it resolved. Reopening the issue cancels it, resolving it again makes
  it Active again.

ERPNext sets the first response of an issue with a raw update when a reply is sent, so a Communication on
an Issue has the issue's touchpoints brought up to date too (``communication.py``). Issues and warranty
claims are numbered by naming series: deleting one deletes its touchpoints.
"""

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Coalesce, Date
from pypika.terms import NullValue

from crm_plus.touchpoints.kinds import (
	ACTIVE,
	CANCELLED,
	CONTACT_COMMUNICATION_TYPE,
	ISSUE_ANSWERED,
	ISSUE_OPENED,
	ISSUE_RESOLVED,
	ISSUE_RESOLVED_STATUSES,
	WARRANTY_CLAIM,
	issue_channel,
)
from crm_plus.touchpoints.sources.base import (
	Source,
	const,
	customer_field,
	row,
	stamp,
	standard,
	zero,
)


def _first_reply(t):
	"""The user who sent the first reply on the issue (a correlated SELECT, through Frappe's index on the
	communication's reference)."""
	reply = DocType("Communication").as_("reply")
	return (
		frappe.qb.from_(reply)
		.select(reply.user)
		.where(
			(reply.reference_doctype == "Issue")
			& (reply.reference_name == t.name)
			& (reply.sent_or_received == "Sent")
			& (reply.communication_type == CONTACT_COMMUNICATION_TYPE)
		)
		.orderby(reply.creation)
		.limit(1)
	)


def _issue(t, touchpoint_type: str, channel, direction: str, date, user, duration=None):
	return row(
		frappe.qb.from_(t),
		t.customer,
		const(touchpoint_type),
		channel,
		const(direction),
		const("Issue"),
		t.name,
		t.company,
		date,
		NullValue(),
		*zero(),
		t.subject,
		user,
		*stamp(const(ACTIVE)),
		duration=duration,
	).where(t.customer.isnotnull() & (t.customer != ""))


def _issues(t):
	raised = (
		Case()
		.when(t.via_customer_portal == 1, issue_channel(True, None))
		.when(t.email_account.isnotnull() & (t.email_account != ""), issue_channel(False, "email"))
		.else_(issue_channel(False, None))
	)
	# the customer raised it on the portal or by e-mail: nobody of ours is responsible for it yet
	raiser = Case().when(raised == issue_channel(False, None), t.owner).else_(NullValue())
	replied = _first_reply(t)
	return (
		_issue(t, ISSUE_OPENED, raised, "Inbound", Coalesce(t.opening_date, Date(t.creation)), raiser),
		_issue(
			t,
			ISSUE_ANSWERED,
			Case().when(replied.isnotnull(), "Email").else_("System"),
			"Outbound",
			Date(t.first_responded_on),
			replied,
			t.first_response_time,
		).where(t.first_responded_on.isnotnull()),
		_issue(
			t,
			ISSUE_RESOLVED,
			const("System"),
			"Outbound",
			Date(Coalesce(t.sla_resolution_date, t.modified)),
			t.modified_by,
			t.resolution_time,
		).where(t.status.isin(list(ISSUE_RESOLVED_STATUSES))),
	)


def _warranty_claim(t):
	return row(
		frappe.qb.from_(t),
		t.customer,
		const(WARRANTY_CLAIM),
		const("System"),
		const("Inbound"),
		const("Warranty Claim"),
		t.name,
		t.company,
		Coalesce(t.complaint_date, Date(t.creation)),
		NullValue(),
		*zero(),
		t.item_name,
		t.owner,
		*stamp(Case().when(t.status == "Cancelled", CANCELLED).else_(ACTIVE)),
	).where(t.customer.isnotnull() & (t.customer != ""))


def _maintenance_visit(t):
	return row(
		frappe.qb.from_(t),
		t.customer,
		const("Visit"),
		const("In Person"),
		const("Outbound"),
		const("Maintenance Visit"),
		t.name,
		t.company,
		t.mntc_date,
		NullValue(),
		*zero(),
		t.customer_feedback,
		t.owner,
		*standard(t),
	)


def _has_customer(doc) -> bool:
	return bool(doc.get("customer"))


SOURCES = (
	Source(
		"Issue", _issues, saved=True, synced=("posting_date", "status", "duration"), concerns=_has_customer
	),
	Source(
		"Warranty Claim",
		_warranty_claim,
		saved=True,
		synced=("posting_date", "status"),
		concerns=_has_customer,
	),
	Source("Maintenance Visit", _maintenance_visit, customer_field),
)
