"""Run now: inside the request on a small site, a deduplicated long-queue job with progress on a large one,
and a summary that says what happened (new, held back by the cooldown, nobody to act)."""

import frappe
import pytest

from crm_plus.lifecycle import engine, run_now
from tests.integration.factories import OUTSIDER_ROLE, document_sharing_disabled
from tests.integration.lifecycle_helpers import customer_in, fresh_group, make_rule, make_user, touchpoint


def waiting(owner: str | None = None, count: int = 2):
	"""A fresh group whose customers' inbound feedback waited 30 hours; the first has ``owner``."""
	group = fresh_group()
	names = []
	for i in range(count):
		customer = customer_in(group, account_manager=owner if i == 0 else None)
		touchpoint(customer, "Feedback", "Inbound", hours_ago=30)
		names.append(customer)
	return group, names


def rule_for(group: str, **extra):
	return make_rule(
		group,
		"unanswered_feedback",
		{"hours": 24},
		action="Assign ToDo",
		responsible="Account Owner",
		**extra,
	)


@pytest.fixture
def no_commit(monkeypatch):
	"""The job commits each chunk; inside a test that would keep its records, so commits do nothing."""
	monkeypatch.setattr(frappe.db, "commit", lambda *a, **k: None)


def test_small_site_runs_inside_the_request_and_says_who_has_nobody(no_commit):
	owner = make_user()
	group, (owned, orphan) = waiting(owner)
	rule = rule_for(group)

	out = run_now.start(rule.name)
	assert out["new"] == 2 and out["held_back"] == 0
	assert len(out["unassigned"]) == 1
	assert frappe.db.get_value("Lifecycle Alert", out["unassigned"][0], "customer") == orphan
	assert "Account Owner" in out["message"] and "Fallback User" in out["message"]

	again = run_now.start(rule.name)
	assert (again["new"], again["held_back"], again["unassigned"]) == (0, 2, [])
	assert "held back by its cooldown" in again["message"] and "30" in again["message"]


def test_fallback_user_acts_where_the_responsible_finds_nobody(no_commit):
	owner, fallback = make_user(), make_user()
	group, (owned, orphan) = waiting(owner)
	rule = rule_for(group, fallback_user=fallback)

	out = run_now.start(rule.name)
	assert out["new"] == 2 and out["unassigned"] == []
	todos = {
		a.customer: frappe.db.get_value("ToDo", a.todo, "allocated_to")
		for a in frappe.get_all("Lifecycle Alert", filters={"rule": rule.name}, fields=["customer", "todo"])
	}
	assert todos == {owned: owner, orphan: fallback}


def test_a_disabled_account_owner_gets_nothing_the_fallback_user_acts(no_commit):
	owner, fallback = make_user(), make_user()
	group, (owned, orphan) = waiting(owner)
	frappe.db.set_value("User", owner, "enabled", 0)  # the account manager has left
	rule = rule_for(group, fallback_user=fallback)

	out = run_now.start(rule.name)
	assert out["new"] == 2 and out["unassigned"] == []
	todos = frappe.get_all("Lifecycle Alert", filters={"rule": rule.name}, pluck="todo")
	assert {frappe.db.get_value("ToDo", todo, "allocated_to") for todo in todos} == {fallback}


def test_large_site_queues_one_deduplicated_long_job(monkeypatch):
	group, _names = waiting()
	rule = rule_for(group)
	monkeypatch.setattr(engine, "_chunk_size", lambda: max(frappe.db.count("Customer") // 3, 1))
	queued = []
	monkeypatch.setattr(run_now.frappe, "enqueue", lambda method, **kwargs: queued.append((method, kwargs)))

	out = run_now.start(rule.name)
	assert out["queued"] == 1 and out["chunks"] >= 3
	((method, kwargs),) = queued
	assert method == "crm_plus.lifecycle.run_now.run_job"
	assert kwargs["queue"] == "long" and kwargs["deduplicate"] is True
	assert kwargs["job_id"] == run_now.job_id(rule.name) and kwargs["rule"] == rule.name
	assert kwargs["user"] == frappe.session.user
	assert frappe.get_all("Lifecycle Alert", filters={"rule": rule.name}) == []  # nothing ran in the request


def test_the_job_works_chunk_by_chunk_with_progress_and_sends_the_summary(monkeypatch, no_commit):
	owner = make_user()
	group, (owned, orphan, third) = waiting(owner, count=3)
	rule = rule_for(group)
	monkeypatch.setattr(engine, "_chunk_size", lambda: max(frappe.db.count("Customer") // 3, 1))
	chunks = len(engine.customer_chunks(engine._chunk_size()))
	progress, sent = [], []
	monkeypatch.setattr(
		run_now.frappe, "publish_progress", lambda percent, **kw: progress.append((percent, kw))
	)
	monkeypatch.setattr(
		run_now.frappe,
		"publish_realtime",
		lambda event, message=None, **kw: event == run_now.EVENT and sent.append((event, message, kw)),
	)

	summary = run_now.run_job(rule.name, user="Administrator")
	assert summary["new"] == 3 and len(summary["unassigned"]) == 2
	assert len(progress) == chunks and progress[-1][0] == 100
	assert all(kw["doctype"] == "Lifecycle Rule" and kw["docname"] == rule.name for _p, kw in progress)
	((event, message, kw),) = sent
	assert event == run_now.EVENT and message["new"] == 3 and kw["user"] == "Administrator"
	assert {a for a in frappe.get_all("Lifecycle Alert", filters={"rule": rule.name}, pluck="customer")} == {
		owned,
		orphan,
		third,
	}


def test_a_responsible_user_frappe_refuses_leaves_the_others_assigned(no_commit):
	# with document sharing disabled, Frappe refuses to assign a user who may not read Lifecycle Alerts
	outsider, owner = make_user(OUTSIDER_ROLE), make_user("CRM User", "Sales User")
	group = fresh_group()
	theirs, ours = customer_in(group, account_manager=outsider), customer_in(group, account_manager=owner)
	for customer in (theirs, ours):
		touchpoint(customer, "Feedback", "Inbound", hours_ago=30)
	rule = rule_for(group)
	with document_sharing_disabled():
		out = run_now.start(rule.name)
	assert out["new"] == 2
	alerts = {
		a.customer: a
		for a in frappe.get_all(
			"Lifecycle Alert", filters={"rule": rule.name}, fields=["customer", "todo", "action_taken"]
		)
	}
	assert frappe.db.get_value("ToDo", alerts[ours].todo, "allocated_to") == owner
	assert not alerts[theirs].todo and "may not read this alert" in alerts[theirs].action_taken
