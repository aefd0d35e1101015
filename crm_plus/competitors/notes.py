"""Reads of competitor notes for other capabilities (CRM Plan form and print format)."""

import frappe

from crm_plus.competitors.rules import NOTE_DOCTYPE

PLAN_NOTE_FIELDS = [
	"name",
	"competitor",
	"aspect",
	"threat_level",
	"observed_on",
	"customer",
	"observation",
	"our_response",
]


def for_plan(plan: str, limit: int = 200) -> list[dict]:
	"""A plan's notes, newest first, as far as this user may read them (``get_list`` applies permissions)."""
	if not plan:
		return []
	return frappe.get_list(
		NOTE_DOCTYPE,
		filters={"crm_plan": plan},
		fields=PLAN_NOTE_FIELDS,
		order_by="observed_on desc, name desc",
		limit=limit,
	)
