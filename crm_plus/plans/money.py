"""Amounts of money in plan goals stay at permlevel 1, as everywhere else in crm_plus.

A goal on a KPI measured in money (unit "Amount": Revenue) keeps its baseline, target, competitor benchmark
and, in an evaluation, its actual value in the ``*_amount`` twins of those fields: permlevel 1, read only by
users who may read amounts (CRM Manager, Sales Manager, System Manager). A CRM User or Sales User sees
the goal, its achievement and the plan's score, not the amounts. Every other goal keeps its values in the
plain fields, which everybody who reads the plan reads.
"""

import frappe
from frappe import _

MONEY_UNIT = "Amount"
# a goal's values; "actual" and the plan's own target and baseline (before scaling) only in an evaluation
VALUES = ("baseline", "target", "competitor_benchmark", "actual", "plan_target", "plan_baseline")


def is_money(goal) -> bool:
	return goal.get("unit") == MONEY_UNIT


def field(goal, name: str) -> str:
	"""The field holding the goal's ``name`` value: its amount twin for a KPI in money."""
	return f"{name}_amount" if is_money(goal) else name


def get(goal, name: str):
	return goal.get(field(goal, name))


def place(plan, goal, table_label: str) -> None:
	"""Keep a goal's values in the fields its KPI's unit calls for: a value typed into a plain field of a
	goal in money moves to its amount twin (for users who may write amounts; anyone else is refused, so
	nothing typed is lost), and the twins of a goal not in money are emptied."""
	for name in VALUES:
		if not goal.meta.has_field(name):
			continue
		twin = f"{name}_amount"
		if not is_money(goal):
			goal.set(twin, None)
			continue
		typed = goal.get(name)
		if typed in (None, "", 0):
			goal.set(name, None)
			continue
		if not plan.flags.ignore_permissions and 1 not in plan.get_permlevel_access("write"):
			frappe.throw(
				_(
					"{0}, row {1}: the {2} of {3} is an amount of money; only users who may see amounts can set it."
				).format(_(table_label), goal.idx, _(goal.meta.get_label(name)), _(goal.kpi)),
				title=_("Not Permitted"),
			)
		goal.set(twin, typed)
		goal.set(name, None)
