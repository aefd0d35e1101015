"""Whitelisted calls of the CRM Plan form: thin, typed, permission-checked."""

import frappe
from frappe import _

from crm_plus.plans import evaluation, kpis


@frappe.whitelist()
def get_kpis() -> list[dict]:
	"""The KPI registry: name, unit, usual direction and formula (the goal table's choices)."""
	if not frappe.has_permission("CRM Plan", "read"):
		frappe.throw(_("Not permitted to read CRM Plans"), frappe.PermissionError)
	return [
		{"kpi": k.name, "label": _(k.name), "unit": k.unit, "direction": k.direction, "formula": k.formula}
		for k in kpis.KPIS.values()
	]


@frappe.whitelist(methods=["POST"])
def evaluate_now(plan: str) -> str:
	"""Create (or reuse the draft) evaluation of the plan's current period up to today; returns its name."""
	doc = frappe.get_doc("CRM Plan", plan)
	doc.check_permission("write")
	if not frappe.has_permission("CRM Plan Evaluation", "create"):
		frappe.throw(_("Not permitted to create CRM Plan Evaluations"), frappe.PermissionError)
	return evaluation.evaluate_on_demand(doc).name


@frappe.whitelist()
def get_kpi_trend(plan: str) -> dict:
	"""Each KPI's actual values across the plan's evaluations, for the chart on the plan."""
	if not frappe.has_permission("CRM Plan", "read", plan):
		frappe.throw(_("Not permitted to read CRM Plan {0}").format(plan), frappe.PermissionError)
	return evaluation.kpi_trend(plan)
