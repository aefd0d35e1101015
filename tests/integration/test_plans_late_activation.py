"""A plan activated after some of its periods ended: those are evaluated at once (in a background job), so
its next evaluation date is the coming one, not a past one."""

import frappe

from crm_plus.plans import evaluation
from crm_plus.plans.doctype.crm_plan import crm_plan
from tests.integration.plan_helpers import evaluations, make_plan


def test_late_activation_queues_the_catch_up_and_the_next_date_is_the_coming_one(monkeypatch):
	queued = []
	monkeypatch.setattr(crm_plan.frappe, "enqueue", lambda method, **kw: queued.append((method, kw)))
	plan = make_plan(
		goals=[("Revenue", 1000, 100)],
		period_from="2026-01-01",
		period_to="2026-12-31",
		evaluation_frequency="Monthly",
		activate=True,
	)
	assert str(plan.next_evaluation_date) == "2026-01-31"  # the first due date, already past
	((method, kwargs),) = queued
	assert method == "crm_plus.plans.evaluation.catch_up" and kwargs["plan"] == plan.name
	assert kwargs["queue"] == "long" and kwargs["deduplicate"] is True

	made = evaluation.catch_up(plan.name, today="2026-11-24")
	assert len(made) == 10  # January to October
	assert str(frappe.db.get_value("CRM Plan", plan.name, "next_evaluation_date")) == "2026-11-30"
	assert len(evaluations(plan.name)) == 10
	assert evaluation.catch_up(plan.name, today="2026-11-24") == []  # idempotent


def test_a_plan_activated_before_its_first_due_date_queues_nothing(monkeypatch):
	queued = []
	monkeypatch.setattr(crm_plan.frappe, "enqueue", lambda method, **kw: queued.append((method, kw)))
	make_plan(
		goals=[("Revenue", 1000, 100)],
		period_from=frappe.utils.add_days(frappe.utils.nowdate(), 1),
		period_to=frappe.utils.add_days(frappe.utils.nowdate(), 200),
		evaluation_frequency="Monthly",
		activate=True,
	)
	assert queued == []
