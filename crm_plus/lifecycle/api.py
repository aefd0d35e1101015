"""Whitelisted calls of the Lifecycle Rule form: thin, typed, permission-checked."""

import frappe
from frappe import _

from crm_plus.access import permitted_customers
from crm_plus.lifecycle import engine
from crm_plus.lifecycle import run_now as run_now_
from crm_plus.lifecycle.actions import can_read_money
from crm_plus.lifecycle.conditions import registry

PREVIEW_LIMIT = 500
RUN_ROLES = ("CRM Manager", "System Manager")


@frappe.whitelist()
def condition_options() -> list[dict]:
	"""The registry, for the rule form: each condition with its parameters and defaults."""
	frappe.has_permission("Lifecycle Rule", "read", throw=True)
	return [
		{
			"key": c.key,
			"label": c.label,
			"description": c.description,
			"frequency": c.frequency,
			"parameters": [
				{"name": p.name, "label": p.label, "default": p.default, "required": p.required}
				for p in c.parameters
			],
		}
		for c in registry().values()
	]


@frappe.whitelist()
def preview(rule: str) -> dict:
	"""Customers the rule matches now and why, without acting (cooldown honoured, as Run now would)."""
	doc = frappe.get_doc("Lifecycle Rule", rule)
	doc.check_permission("read")
	# amounts of money only for those who may read them (permlevel 1 of Lifecycle Alert), customers only
	# those the user may read (role, User Permissions), as the Customer list gives them
	money = can_read_money(frappe.session.user)
	total, rows = engine.preview_page(doc, money, PREVIEW_LIMIT, permitted_customers())
	return {"total": total, "matches": rows}


@frappe.whitelist(methods=["POST"])
def run_now(rule: str) -> dict:
	"""Check the rule now and act on new matches (in a background job on a large site): the summary of
	what happened, or ``queued``."""
	_check_run(rule)
	return run_now_.start(rule)


@frappe.whitelist(methods=["GET"])
def before_run(rule: str) -> dict:
	"""What *Run now* would do (how many customers, what for each, or why nothing), before the click."""
	doc = _check_run(rule)
	return run_now_.plan(doc)


def _check_run(rule: str):
	if not set(RUN_ROLES) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a CRM Manager or System Manager can run lifecycle rules."), frappe.PermissionError
		)
	doc = frappe.get_doc("Lifecycle Rule", rule)
	doc.check_permission("write")
	return doc
