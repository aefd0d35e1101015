"""The nightly run: crm_plus's daily steps in one job, in the order their data needs, each on its own."""

import frappe

from crm_plus import nightly

ran = []


def first():
	ran.append("first")


def broken():
	ran.append("broken")
	frappe.get_doc({"doctype": "ToDo", "description": "_crm_plus nightly half-done"}).insert()
	raise RuntimeError("a step failed")


def last():
	ran.append("last")


def test_one_daily_job_runs_every_step_in_order():
	assert frappe.get_hooks("scheduler_events")["daily_long"] == ["crm_plus.nightly.daily"]
	for step in nightly.STEPS:
		assert callable(frappe.get_attr(step)), step
	order = [step.rsplit(".", 2)[-2] for step in nightly.STEPS]
	# the reconciliation heals the figures the insights and the rules read; stages move before the rules
	assert order == ["reconcile", "health", "evaluation", "engine", "rewards"]


def test_a_failing_step_is_rolled_back_and_logged_and_the_next_still_runs(monkeypatch):
	monkeypatch.setattr(frappe.db, "commit", lambda *a, **k: None)  # keep the test's records out of the site
	from crm_plus.adoption import rewards
	from crm_plus.insights import health
	from crm_plus.touchpoints import reconcile

	for module, step in ((reconcile, first), (health, broken), (rewards, last)):
		monkeypatch.setattr(module, "daily", step)
	monkeypatch.setattr(
		nightly,
		"STEPS",
		(
			"crm_plus.touchpoints.reconcile.daily",
			"crm_plus.insights.health.daily",
			"crm_plus.adoption.rewards.daily",
		),
	)
	ran.clear()
	errors = frappe.db.count("Error Log")
	nightly.daily()
	assert ran == ["first", "broken", "last"]
	assert not frappe.db.exists("ToDo", {"description": "_crm_plus nightly half-done"})
	assert frappe.db.count("Error Log") == errors + 1
