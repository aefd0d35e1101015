"""The nightly run (``daily_long``): crm_plus's daily jobs, one after the other, in the order their data needs.

Frappe enqueues every scheduled job on its own, shuffled, and several long-queue workers may run them at
the same time; listed one by one in ``hooks.py``, the health scores or the lifecycle rules could run before
the reconciliation whose figures they read. One job runs them in order instead. Each step commits its own
work (per chunk, see ``touchpoints/chunks.py``); a step that fails is rolled back and logged, and the steps
after it still run.
"""

import frappe
from frappe import _

STEPS = (
	# heal lost touchpoints and refresh every relationship (stages follow each refresh)
	"crm_plus.touchpoints.reconcile.daily",
	# RFM segments and health scores from the reconciled figures
	"crm_plus.insights.health.daily",
	# plan evaluations that have come due, with a ToDo to each plan's manager
	"crm_plus.plans.evaluation.create_due_evaluations",
	# stages move with the calendar, then the day-based lifecycle rules
	"crm_plus.lifecycle.engine.daily",
	# adoption scores, and reward proposals once a period has ended
	"crm_plus.adoption.rewards.daily",
)


def daily() -> None:
	for step in STEPS:
		try:
			frappe.get_attr(step)()
			frappe.db.commit()  # nosemgrep: a long job; each step is its own unit of work
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("crm_plus nightly step {0} failed").format(step))
