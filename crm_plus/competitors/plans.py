"""CRM Plans and competitors: goals benchmarked against a competitor, and a plan's notes."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_plus.competitors.rules import beats
from crm_plus.plans import money


def validate_goal_benchmarks(plan) -> None:
	"""A goal that names a competitor benchmark must aim above it (below it for a KPI to lower)."""
	for goal in plan.get("goals") or []:
		if not goal.get("competitor"):
			continue
		target, benchmark = flt(money.get(goal, "target")), flt(money.get(goal, "competitor_benchmark"))
		if not beats(target, benchmark, goal.direction):
			frappe.throw(
				_("{0}, row {1}: {2} {3} does not beat {4} {5} of {6}.").format(
					_("Company Goals"),
					goal.idx,
					_("Target"),
					frappe.format(target, "Float"),
					_("Competitor Benchmark"),
					frappe.format(benchmark, "Float"),
					goal.competitor,
				),
				title=_("Target below Competitor"),
			)


def evaluation_fields(goal, actual: float | None) -> dict:
	"""What an evaluation records about a goal's competitor benchmark."""
	if not goal.get("competitor"):
		return {}
	return {
		"competitor": goal.competitor,
		money.field(goal, "competitor_benchmark"): money.get(goal, "competitor_benchmark"),
		"beats_competitor": int(beats(actual, flt(money.get(goal, "competitor_benchmark")), goal.direction)),
	}
