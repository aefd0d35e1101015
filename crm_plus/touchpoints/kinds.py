"""Touchpoint kinds and the rules that decide them.

Plain Python on purpose: no ``frappe`` import, so the rules are unit-tested without a bench.
"""

# Touchpoint types written by crm_plus from ERPNext documents; staff cannot log these by hand,
# or a hand-typed "Invoice" would count as revenue that never happened.
SYSTEM_TYPES = frozenset(
	{
		"Quotation",
		"Sales Order",
		"Delivery",
		"Invoice",
		"Credit Note",
		"Payment",
		"Refund",
		"Dunning",
		"Overdue",
		# written from a Competitor Note about the customer (crm_plus/competitors/timeline.py)
		"Competitor Note",
		# service: an Issue's life (sources/service.py) and a warranty claim
		"Issue Opened",
		"Issue Answered",
		"Issue Resolved",
		"Warranty Claim",
	}
)
MANUAL_TYPES = frozenset({"Feedback", "Call", "Meeting", "Email", "Visit", "Complaint", "Other"})
ALL_TYPES = SYSTEM_TYPES | MANUAL_TYPES

# Events that happen to a customer without anybody contacting them; they do not count as contact
# ("last touchpoint", "touchpoints in the last 90 days").
# A competitor note records what staff learnt about a competitor, not a contact with the customer.
NON_CONTACT_TYPES = frozenset({"Overdue", "Competitor Note"})

ACTIVE = "Active"
CANCELLED = "Cancelled"

# Submitted ERPNext documents that become touchpoints (on submit, cancel, update after submit and delete),
# in the order a sale usually runs, field service last.
SOURCE_DOCTYPES = (
	"Quotation",
	"Sales Order",
	"Delivery Note",
	"Sales Invoice",
	"Payment Entry",
	"Journal Entry",
	"Dunning",
	"Maintenance Visit",
)
# Documents that are saved, not submitted, and become touchpoints as they are saved and deleted: contacts
# (e-mails and other communications, telephony calls, meetings) and service (issues, warranty claims).
SAVED_SOURCE_DOCTYPES = ("Communication", "Call Log", "Event", "Issue", "Warranty Claim")


def invoice_type(is_return: int | bool) -> str:
	"""A Sales Invoice is an Invoice touchpoint, its return a Credit Note."""
	return "Credit Note" if is_return else "Invoice"


# Payment Entry payment types that concern a customer, and the touchpoint each one is
PAYMENT_TYPES = {"Receive": "Payment", "Pay": "Refund"}


def payment_type(payment_type: str) -> str | None:
	"""Receive from a customer is a Payment, Pay to a customer is a Refund; anything else is not ours."""
	return PAYMENT_TYPES.get(payment_type)


def payment_direction(payment_type: str) -> str:
	"""Money received comes in (Inbound); money paid back goes out (Outbound)."""
	return "Inbound" if payment_type == "Receive" else "Outbound"


def settlement_type(net_credit: float) -> str:
	"""A Journal Entry that credits a customer's receivable settles invoices (Payment); a net debit refunds."""
	return "Refund" if net_credit < 0 else "Payment"


def base_outstanding_sql(invoice: str = "si") -> str:
	"""SQL for a Sales Invoice's outstanding amount in company currency. ``outstanding_amount`` is in the
	party account's currency: converted with the invoice's rate when that account is in the invoice's
	(foreign) currency, as is when it is in company currency. ``invoice`` is the table's alias."""
	return (
		f"{invoice}.outstanding_amount * case when {invoice}.party_account_currency = {invoice}.currency "
		f"then {invoice}.conversion_rate else 1 end"
	)


def validate_manual(touchpoint_type: str, reference_name: str | None) -> str | None:
	"""Return the reason a hand-logged touchpoint is refused, or None if it is fine."""
	if touchpoint_type not in ALL_TYPES:
		return "unknown"
	if touchpoint_type in SYSTEM_TYPES and not reference_name:
		return "system"
	return None


# --- Contacts -------------------------------------------------------------------------------------------
# Which Communications are a contact with a customer (decided here, documented in the README):
# - only ``communication_type`` "Communication": what a person sends or receives, or what is sent to the
#   customer from one of its documents (an e-mail from a Quotation, an Auto Repeat invoice, a Payment Request).
#   Frappe's Notifications ("Automated Message"), comments, chats between users and notifications are not;
# - not mass mailings (an Email Campaign's e-mails reach many customers at once: marketing, not a contact),
#   nor the copies Frappe writes of an Event for its participants' timelines (the meeting is a touchpoint
#   of its own, from the Event);
# - crm_plus's own e-mails (survey invitations, rule e-mails) are queued without a Communication, so they
#   never count: a survey answered becomes a Feedback touchpoint of its own.
CONTACT_COMMUNICATION_TYPE = "Communication"
NOT_CONTACT_REFERENCES = ("Email Campaign", "Newsletter", "Event")
# Frappe's communication mediums: the touchpoint type and channel each one is ("" is no medium: not counted)
COMMUNICATION_MEDIUMS = {
	"Email": ("Email", "Email"),
	"Phone": ("Call", "Phone"),
	"SMS": ("Other", "Phone"),
	"Chat": ("Other", "Web"),
	"Meeting": ("Meeting", "In Person"),
	"Visit": ("Visit", "In Person"),
	"Event": ("Meeting", "In Person"),
	"Other": ("Other", "System"),
}
# an e-mail that never reached the customer, or was put away as spam or trash, is no contact: its touchpoint
# is Cancelled (and Active again if that changes)
UNDELIVERED = ("Bounced", "Rejected", "Error", "Expired", "Marked As Spam")
DISCARDED = ("Spam", "Trash")
# the same e-mail again: another Communication about the same document, in the same direction and medium,
# with the same subject, recipients and content, within this many hours of the first (a second click on
# Send, a re-sent reminder); or one with the same Message-ID (the same e-mail received twice)
REPEAT_HOURS = 24

# Documents of a customer: an e-mail about one of them is a contact with its customer.
# doctype -> (the field naming the customer, (field, value) the document must have to be a customer's)
CUSTOMER_DOCUMENTS = {
	"Quotation": ("party_name", ("quotation_to", "Customer")),
	"Opportunity": ("party_name", ("opportunity_from", "Customer")),
	"Sales Order": ("customer", None),
	"Delivery Note": ("customer", None),
	"Sales Invoice": ("customer", None),
	"Payment Request": ("party", ("party_type", "Customer")),
	"Payment Entry": ("party", ("party_type", "Customer")),
	"Dunning": ("customer", None),
	"Issue": ("customer", None),
	"Warranty Claim": ("customer", None),
	"Maintenance Schedule": ("customer", None),
	"Maintenance Visit": ("customer", None),
	"Project": ("customer", None),
	"Contract": ("party_name", ("party_type", "Customer")),
}
# what a communication may be linked to (its reference or a timeline link) to reach a customer
CUSTOMER_LINKS = frozenset({"Customer", "Contact", *CUSTOMER_DOCUMENTS})


def communication_kind(medium: str | None) -> tuple[str, str] | None:
	"""(touchpoint type, channel) of a communication medium; None when it is not one (no medium)."""
	return COMMUNICATION_MEDIUMS.get(medium or "")


def communication_direction(sent_or_received: str | None) -> str:
	"""What we sent goes out (Outbound); what we received came in (Inbound)."""
	return "Inbound" if sent_or_received == "Received" else "Outbound"


def communication_counts(
	communication_type: str | None, medium: str | None, reference_doctype: str | None, links=()
) -> bool:
	"""Whether a Communication may be a contact with a customer, read from the document alone: a contact
	kind of communication, no mass mailing or event copy, and about (or linked to: ``links`` are its timeline links'
	doctypes) a customer, a contact or a customer's document. Its customer is looked for only then."""
	return (
		communication_type == CONTACT_COMMUNICATION_TYPE
		and communication_kind(medium) is not None
		and (reference_doctype or "") not in NOT_CONTACT_REFERENCES
		and any(doctype in CUSTOMER_LINKS for doctype in (reference_doctype, *links))
	)


def communication_status(delivery_status: str | None, email_status: str | None) -> str:
	return CANCELLED if (delivery_status in UNDELIVERED or email_status in DISCARDED) else ACTIVE


# Frappe's Event categories: the touchpoint type and channel of a meeting with a customer
EVENT_CATEGORIES = {
	"Meeting": ("Meeting", "In Person"),
	"Event": ("Meeting", "In Person"),
	"Other": ("Meeting", "In Person"),
	"Call": ("Call", "Phone"),
	"Sent/Received Email": ("Email", "Email"),
}


def event_kind(category: str | None) -> tuple[str, str]:
	return EVENT_CATEGORIES.get(category or "", EVENT_CATEGORIES["Meeting"])


# ERPNext's Call Log: a call that took place (Completed) is a contact; a ringing, missed, busy, failed or
# cancelled call is not
CALL_TOOK_PLACE = "Completed"
CALL_DIRECTIONS = {"Incoming": "Inbound", "Outgoing": "Outbound"}


def call_direction(call_type: str | None) -> str:
	return CALL_DIRECTIONS.get(call_type or "", "Outbound")


# --- Service --------------------------------------------------------------------------------------------
ISSUE_OPENED = "Issue Opened"
ISSUE_ANSWERED = "Issue Answered"
ISSUE_RESOLVED = "Issue Resolved"
# an Issue is resolved while its status is one of these (ERPNext's default fulfilment statuses)
ISSUE_RESOLVED_STATUSES = ("Resolved", "Closed")
WARRANTY_CLAIM = "Warranty Claim"


def issue_channel(via_customer_portal: bool | int | None, email_account: str | None) -> str:
	"""How the customer raised an Issue: on the portal (Web), by e-mail (an Email Account made it), or
	recorded by staff in ERPNext with no channel known (System)."""
	if via_customer_portal:
		return "Web"
	return "Email" if email_account else "System"
