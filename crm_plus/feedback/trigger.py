"""Send a survey after a submitted Delivery Note or Sales Invoice, or a closed Issue (``hourly_long``).

Each survey with a trigger reads, with one plain SELECT per survey, the documents that came due (older
than the delay, within a catch-up window) and have no invitation of that survey yet; it keeps one per
customer and drops customers that were sent any survey within the survey's "every N days" limit (one
more SELECT), then sends. Never twice for a document: the invitation is unique per (survey, reference
doctype, reference name) in the database. Two runs at once are serialised by a MariaDB named lock, so
the per-customer limit also holds then. ERPNext's tables are only read with plain (non-locking) SELECTs;
the job commits after every batch of invitations.

Without an outgoing e-mail account nothing is sent and nothing is written: once one is set up, the next
run surveys what came due in the catch-up window. A document whose customer has no e-mail address gets a
*Not Sent* invitation that says so (one per document, by the unique key), which can be sent again from
its form once the customer has a contact with an e-mail address.
"""

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate

from crm_plus import readiness
from crm_plus.feedback import invitations
from crm_plus.feedback.invitations import Recipient
from crm_plus.touchpoints.chunks import batches, commit

# documents that came due while the scheduler was stopped are still surveyed, up to this many days late
CATCH_UP_DAYS = 7
BATCH = 200
LOCK = "crm_plus_feedback_trigger"

SOURCES = {
	"Delivery Note": {
		"due": "d.posting_date",
		"where": "d.docstatus = 1 and d.is_return = 0",
		"contact": "d.contact_person",
		"email": "d.contact_email",
	},
	"Sales Invoice": {
		"due": "d.posting_date",
		"where": "d.docstatus = 1 and d.is_return = 0",
		"contact": "d.contact_person",
		"email": "d.contact_email",
	},
	"Issue": {
		# closed when its SLA says it was resolved, else when it was last changed (the closing)
		"due": "coalesce(d.sla_resolution_date, d.modified)",
		"where": "d.status = 'Closed' and d.customer is not null",
		"contact": "d.contact",
		"email": "d.raised_by",
	},
}


def hourly():
	"""Scheduler entry point (hourly_long)."""
	for survey in frappe.get_all(
		"Feedback Survey",
		filters={"active": 1, "audience": "Customer", "trigger": ("in", list(SOURCES))},
		pluck="name",
		order_by="name",
	):
		run(survey)


def run(survey: str, today=None) -> list[int]:
	"""Send the survey for every document that came due; returns the invitations created (none, and
	nothing written, while no e-mail can be queued)."""
	if not readiness.can_queue_email():
		return []
	if not frappe.db.sql("select get_lock(%s, 0)", (LOCK,))[0][0]:
		return []  # another run is at it
	try:
		doc = frappe.get_doc("Feedback Survey", survey)
		chosen = choose(doc, candidates(doc, getdate(today or nowdate())))
		created = []
		for batch in batches(chosen, BATCH):
			created += invitations.send(survey, batch, keep_refused=True)
			commit()
		return created
	finally:
		frappe.db.sql("select release_lock(%s)", (LOCK,))


def candidates(survey, today) -> list[dict]:
	"""Due documents of the survey's trigger without an invitation of this survey, oldest first."""
	source = SOURCES[survey.trigger]
	due_to = add_days(today, -(survey.delay_days or 0))
	due_from = add_days(due_to, -CATCH_UP_DAYS)
	return frappe.db.sql(
		f"""
		select d.name as reference_name, d.customer, c.customer_name, c.language,
			ct.name as contact,
			coalesce(nullif({source["email"]}, ''), nullif(ct.email_id, ''), nullif(c.email_id, '')) as email,
			trim(concat(coalesce(ct.first_name, ''), ' ', coalesce(ct.last_name, ''))) as contact_name
		from `tab{survey.trigger}` d
		join `tabCustomer` c on c.name = d.customer and c.disabled = 0
		left join `tabContact` ct on ct.name = coalesce(nullif({source["contact"]}, ''), c.customer_primary_contact)
		where {source["where"]}
			and {source["due"]} >= %(due_from)s and {source["due"]} < %(due_until)s
			and not exists (
				select 1 from `tabFeedback Invitation` i
				where i.survey = %(survey)s and i.reference_doctype = %(doctype)s and i.reference_name = d.name
			)
		order by {source["due"]}, d.name
		""",  # nosemgrep: table and columns come from SOURCES, values are bound
		{
			"due_from": due_from,
			"due_until": add_days(due_to, 1),
			"survey": survey.name,
			"doctype": survey.trigger,
		},
		as_dict=True,
	)


def recently_surveyed(customers: list[str], days: int) -> set[str]:
	"""Customers sent any survey within the last ``days`` days."""
	if not customers or not days:
		return set()
	return set(
		frappe.db.sql(
			"""
			select distinct customer from `tabFeedback Invitation`
			where customer in %(customers)s and status != %(not_sent)s and creation > %(since)s
			""",
			{
				"customers": tuple(customers),
				"not_sent": invitations.NOT_SENT,
				"since": add_days(now_datetime(), -days),
			},
			pluck=True,
		)
	)


def choose(survey, rows: list[dict]) -> list[Recipient]:
	"""One document per customer, none for customers within the per-customer limit."""
	skip = recently_surveyed(sorted({r.customer for r in rows}), survey.min_days_between or 0)
	chosen = []
	for row in rows:
		if row.customer in skip:
			continue
		skip.add(row.customer)
		chosen.append(
			Recipient(
				customer=row.customer,
				contact=row.contact,
				email=row.email,
				language=invitations.language_of(row.language),
				reference_doctype=survey.trigger,
				reference_name=row.reference_name,
				contact_name=row.contact_name or row.customer_name,
				customer_name=row.customer_name,
			)
		)
	return chosen
