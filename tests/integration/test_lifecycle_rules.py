"""Lifecycle Rule validation and the shipped examples."""

import frappe
import pytest

from crm_plus.lifecycle import examples
from tests.integration.lifecycle_helpers import fresh_group, make_rule


def _refused(match: str, condition="no_purchase", parameters=None, **extra):
	title_before = frappe.db.count("Lifecycle Rule")
	with pytest.raises(frappe.ValidationError, match=match):
		make_rule(None, condition, {"days": 60} if parameters is None else parameters, **extra)
	assert frappe.db.count("Lifecycle Rule") == title_before  # nothing half-saved


def test_negative_parameter_names_the_parameter():
	_refused("Parameters: Days cannot be negative", parameters={"days": -5})


def test_missing_parameter_takes_its_default_and_an_empty_one_is_named():
	# a rule saved without its parameter rows (e.g. through the API) gets the condition's defaults
	rule = make_rule(fresh_group(), "few_followups", {"days": 5})
	assert {p.parameter: p.value for p in rule.parameters} == {"days": 5, "count": 2}
	# a required parameter left empty is refused by its label
	_refused("Parameters: Follow-ups is required", "few_followups", {"days": 7, "count": None})


def test_out_of_range_and_unknown_parameters():
	_refused("Parameters: Drop \\(%\\) must be at most 100", "frequency_drop", {"percent": 150, "days": 30})
	_refused("Parameters: color is not a parameter", parameters={"days": 60, "color": 3})


def test_unknown_condition_names_the_field():
	_refused("Condition: telepathy is not a known condition", condition="telepathy", parameters={})


def test_action_without_responsible_party():
	_refused("Responsible is required for the action Assign ToDo", action="Assign ToDo", responsible="")
	_refused("Responsible User is required", action="Assign ToDo", responsible="User")
	_refused("Responsible Role is required", action="Assign ToDo", responsible="Role")


def test_email_action_without_template():
	_refused(
		"Email Template is required for the action Send Email",
		action="Send Email",
		responsible="Account Owner",
	)


def test_cooldown_must_be_positive():
	_refused("Cooldown \\(Days\\) must be at least 1", cooldown_days=0)


def test_valid_rule_saves_with_parameter_labels():
	rule = make_rule(fresh_group(), "overdue_invoice", {"days": 30})
	# the optional Minimum Amount is added empty, with its label
	assert [(p.parameter, p.label) for p in rule.parameters] == [
		("days", "Days"),
		("min_amount", "Minimum Amount"),
	]
	assert rule.parameter_values() == {"days": 30, "min_amount": None}


def test_shipped_examples_are_installed_disabled_and_idempotently():
	for example in examples.EXAMPLES:
		frappe.delete_doc("Lifecycle Rule", example["title"], force=True, ignore_missing=True)
	created = examples.install()
	assert len(created) == len(examples.EXAMPLES) == 5
	assert examples.install() == []
	rules = frappe.get_all(
		"Lifecycle Rule", filters={"name": ("in", created)}, fields=["enabled", "condition", "action"]
	)
	assert {r.enabled for r in rules} == {0}
	assert {r.condition for r in rules} == {
		"few_followups",
		"unanswered_feedback",
		"no_purchase",
		"frequency_drop",
		"overdue_invoice",
	}


def test_the_condition_registry_is_for_who_may_read_rules():
	from crm_plus.lifecycle import api
	from tests.integration.factories import OUTSIDER_ROLE, make_user

	assert {c["key"] for c in api.condition_options()} >= {"overdue_invoice", "no_purchase"}
	frappe.set_user(make_user(OUTSIDER_ROLE))
	try:
		with pytest.raises(frappe.PermissionError):
			api.condition_options()
	finally:
		frappe.set_user("Administrator")
