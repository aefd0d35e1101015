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

# ERPNext documents that become touchpoints, in the order a sale usually runs.
SOURCE_DOCTYPES = (
	"Quotation",
	"Sales Order",
	"Delivery Note",
	"Sales Invoice",
	"Payment Entry",
	"Journal Entry",
	"Dunning",
)


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
