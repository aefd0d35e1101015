"""Whitelisted calls of the CRM Plan form: thin, typed, permission-checked."""

import frappe
from frappe import _
from frappe.utils import formatdate

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


@frappe.whitelist(methods=["GET"])
def before_evaluate(plan: str) -> dict:
	"""What *Evaluate Now* would do, before the click: the days it covers and whether an evaluation of
	those days exists already (then it is opened, not computed again). Writes nothing."""
	doc = _check_evaluate(plan)
	from_date, to_date = evaluation.on_demand_period(doc)
	existing = _existing(doc, from_date, to_date)
	days = {"from_date": formatdate(from_date), "to_date": formatdate(to_date)}
	if existing:
		message = _(
			"An evaluation of {from_date} to {to_date} exists already ({0}): Evaluate Now opens it as it is, "
			"without computing it again. Delete it first to compute these days again."
		).format(existing, **days)
	else:
		message = _(
			"Evaluate Now computes each of the plan's {0} goals for {from_date} to {to_date} (the current "
			"period up to today) into a draft evaluation, which you review and submit."
		).format(len(doc.goals), **days)
	return {"from_date": from_date, "to_date": to_date, "existing": existing, "message": message}


@frappe.whitelist(methods=["POST"])
def evaluate_now(plan: str) -> dict:
	"""Create (or reuse the draft) evaluation of the plan's current period up to today: its name, whether it
	existed already, the goals that had nothing to measure, and a message that says so."""
	doc = _check_evaluate(plan)
	from_date, to_date = evaluation.on_demand_period(doc)
	existed = _existing(doc, from_date, to_date)
	made = evaluation.evaluate_on_demand(doc)
	days = {"from_date": formatdate(made.period_from), "to_date": formatdate(made.period_to)}
	if existed:
		lines = [
			_(
				"An evaluation of {from_date} to {to_date} existed already and is opened as it was, not "
				"computed again. Delete it to compute these days again."
			).format(**days)
		]
	else:
		lines = [_("Evaluation {0} made for {from_date} to {to_date}.").format(made.name, **days)]
	no_data = [row.kpi for row in made.goals if row.no_data]
	if no_data:
		lines.append(
			_(
				"{0} goals had nothing to measure in these days: {1}. Each KPI's formula says what it needs."
			).format(len(no_data), ", ".join(_(kpi) for kpi in no_data))
		)
	return {"name": made.name, "reused": bool(existed), "no_data": no_data, "message": " ".join(lines)}


def _check_evaluate(plan: str):
	doc = frappe.get_doc("CRM Plan", plan)
	doc.check_permission("write")
	if not frappe.has_permission("CRM Plan Evaluation", "create"):
		frappe.throw(_("Not permitted to create CRM Plan Evaluations"), frappe.PermissionError)
	return doc


def _existing(plan, from_date, to_date) -> str | None:
	return frappe.db.get_value(
		"CRM Plan Evaluation", {"draft_key": evaluation.draft_key(plan.name, from_date, to_date)}
	)


@frappe.whitelist()
def get_kpi_trend(plan: str) -> dict:
	"""Each KPI's actual values across the plan's evaluations, for the chart on the plan."""
	if not frappe.has_permission("CRM Plan", "read", plan):
		frappe.throw(_("Not permitted to read CRM Plan {0}").format(plan), frappe.PermissionError)
	return evaluation.kpi_trend(plan)
