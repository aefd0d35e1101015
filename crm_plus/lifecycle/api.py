"""Whitelisted calls of the Lifecycle Rule form: thin, typed, permission-checked."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import add_days, now_datetime

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
	customers = permitted_customers()
	total, rows = engine.preview_page(doc, money, PREVIEW_LIMIT, customers)
	out = {"total": total, "matches": rows}
	if not total:
		out["problems"] = _why_nobody(doc, restricted=customers is not None)
	return out


def _why_nobody(doc, restricted: bool) -> list[dict]:
	"""Why the preview shows nobody, and what to change: nobody meets the condition, the rule's restrictions
	(company, stages, group, territory, revenue) leave out who does, or its cooldown holds them back. To a
	user who may read only some customers, nothing about the others (not even how many there are)."""
	if restricted:
		return [{"reason": _("None of the customers you may read matches this rule now."), "fix": None}]
	problems = run_now_.why_no_match(doc)
	alert = frappe.qb.DocType("Lifecycle Alert")
	held = (
		frappe.qb.from_(alert)
		.select(Count(alert.customer).distinct())
		.where(
			(alert.rule == doc.name)
			& (alert.matched_on > add_days(now_datetime(), -int(doc.cooldown_days or 1)))
		)
		.run()[0][0]
	)
	if held:
		problems.append(
			{
				"reason": _(
					"{0} customers were alerted by this rule within its cooldown of {1} days: they are left out until it ends."
				).format(held, int(doc.cooldown_days or 1)),
				"fix": None,
			}
		)
	return problems


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
