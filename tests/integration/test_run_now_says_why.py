"""Run now says what it will do before the click and, when a run does nothing, why and what to change:
nobody meets the condition, the rule's restrictions leave everybody out, or no e-mail can go out."""

import frappe
import pytest

from crm_plus.lifecycle import api, run_now
from tests.integration.feedback_helpers import make_survey
from tests.integration.lifecycle_helpers import customer_in, fresh_group, make_rule, touchpoint
from tests.integration.test_survey_sending import no_outgoing_email  # a fixture


@pytest.fixture
def no_commit(monkeypatch):
	"""A run commits each batch; inside a test that would keep its records, so commits do nothing."""
	monkeypatch.setattr(frappe.db, "commit", lambda *a, **k: None)


def waiting(count: int = 2) -> tuple[str, list[str]]:
	"""A fresh group whose customers' inbound feedback has waited 30 hours (unanswered)."""
	group = fresh_group()
	names = []
	for _i in range(count):
		customer = customer_in(group)
		touchpoint(customer, "Feedback", "Inbound", hours_ago=30)
		names.append(customer)
	return group, names


def unanswered(group: str, **extra):
	return make_rule(group, "unanswered_feedback", {"hours": 24}, **extra)


def test_before_the_click_it_says_how_many_and_what_it_does_for_each(no_commit):
	group, _customers = waiting()
	rule = unanswered(group, action="Assign ToDo", responsible="Account Owner")
	plan = api.before_run(rule.name)
	assert plan["matches"] == 2 and plan["problems"] == []
	assert plan["message"] == (
		"2 customers match this rule now. Run now raises an alert for each and assigns a ToDo to the "
		"customer's Account Owner."
	)
	assert frappe.db.count("Lifecycle Alert", {"rule": rule.name}) == 0  # saying it wrote nothing

	staged = unanswered(group, action="Set Stage", target_stage="At Risk")
	assert api.before_run(staged.name)["message"].endswith(
		"raises an alert for each and sets the customer's lifecycle stage to At Risk."
	)


def test_a_run_that_matches_nobody_says_nobody_meets_the_condition(no_commit):
	label = "Feedback or complaint not answered within H hours"
	group, _customers = waiting()
	# a million hours: nobody's feedback has waited that long, whatever the rule's restrictions
	restricted = make_rule(group, "unanswered_feedback", {"hours": 10**6})
	out = run_now.start(restricted.name)
	assert (out["new"], out["held_back"]) == (0, 0)
	(problem,) = out["problems"]
	assert (
		problem["reason"] == f"No customer meets the condition {label} now, whatever the rule's restrictions."
	)
	assert out["message"] == f"0 new alerts. {problem['reason']}"

	everybody = make_rule(None, "unanswered_feedback", {"hours": 10**6})
	everybody.db_set("company", None)  # a rule for every company, in every group and territory (roots)
	plan = api.before_run(everybody.name)
	assert plan["message"] == (
		f"No customer matches this rule now: Run now would do nothing. No customer meets the condition {label} now."
	)
	assert plan["problems"][0]["fix"] == {"label": "Check the condition's parameters", "route": None}


def test_a_run_whose_restrictions_leave_everybody_out_names_them(no_commit):
	group, _customers = waiting()
	other = fresh_group()
	# the customers meet the condition, but the rule asks for another group and for At Risk only
	rule = unanswered(other, stages=[{"lifecycle_stage": "At Risk"}])

	plan = api.before_run(rule.name)
	assert plan["matches"] == 0
	assert plan["message"].startswith("No customer matches this rule now: Run now would do nothing.")
	(problem,) = plan["problems"]
	assert (
		"customers meet the condition Feedback or complaint not answered within H hours, but none of them within"
		in (problem["reason"])
	)
	for named in ("Company: _Test Company", "Stages: At Risk", f"Customer Group: {other}"):
		assert named in problem["reason"], problem["reason"]
	assert problem["fix"]["label"] == "Widen or clear these restrictions on the rule"

	out = run_now.start(rule.name)
	assert out["new"] == 0 and out["problems"] == plan["problems"]
	assert problem["reason"] in out["message"]

	# the root of the customer groups restricts nobody: it is not named
	rule.db_set("customer_group", "All Customer Groups")
	rule.stages = []
	rule.save()
	assert api.before_run(rule.name)["matches"] >= 2


def test_a_survey_rule_without_an_outgoing_account_says_so_before_and_after(no_commit, no_outgoing_email):  # noqa: F811
	group, customers = waiting(1)
	survey = make_survey()
	rule = unanswered(group, action="Send Survey", feedback_survey=survey.name)

	plan = api.before_run(rule.name)
	assert plan["matches"] == 1
	assert plan["problems"][0]["fix"]["route"] == ["Form", "Email Account", "new"]
	assert "No outgoing e-mail account is set up on this site" in plan["message"]

	out = run_now.start(rule.name)
	assert out["new"] == 1
	assert out["message"].startswith("1 new alerts. 1 new alerts sent no e-mail: No outgoing e-mail account")
	assert out["problems"][0]["fix"]["label"] == "Set up an outgoing e-mail account"
	# the alert says why, and no invitation was left behind
	(alert,) = frappe.get_all("Lifecycle Alert", filters={"rule": rule.name}, fields=["action_taken"])
	assert alert.action_taken == "No outgoing e-mail account; nothing sent"
	assert frappe.db.count("Feedback Invitation", {"survey": survey.name}) == 0
	assert customers
