"""Whitelisted methods of competitor notes: thin, typed, permission-checked."""

import frappe

from crm_plus.competitors import lost_deals, notes
from crm_plus.competitors.rules import LOST_DEAL_DOCTYPES, NOTE_DOCTYPE


@frappe.whitelist(methods=["POST"])
def make_notes_from_lost_deal(doctype: str, name: str) -> dict:
	"""Notes for every competitor a lost Opportunity or Quotation names (idempotent)."""
	if doctype not in LOST_DEAL_DOCTYPES:
		frappe.throw(lost_deals.not_a_lost_deal_type(doctype))
	deal = frappe.get_doc(doctype, name)
	deal.check_permission("read")
	frappe.has_permission(NOTE_DOCTYPE, "create", throw=True)
	return lost_deals.make_notes(deal)


@frappe.whitelist()
def get_plan_notes(plan: str) -> list[dict]:
	"""The competitor notes linked to a CRM Plan that this user may read."""
	frappe.has_permission("CRM Plan", "read", plan, throw=True)
	return notes.for_plan(plan)
