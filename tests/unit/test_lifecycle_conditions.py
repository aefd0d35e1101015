"""The condition registry and parameter validation (no frappe)."""

import pytest

from crm_plus.lifecycle.conditions import get_condition, registry
from crm_plus.lifecycle.conditions.base import (
	MISSING,
	NEGATIVE,
	NOT_A_NUMBER,
	NOT_WHOLE,
	TOO_LARGE,
	TOO_SMALL,
	Parameter,
)

REQUIRED = {"no_purchase", "few_followups", "unanswered_feedback", "frequency_drop", "overdue_invoice"}


def test_registry_finds_every_condition_module():
	assert REQUIRED <= set(registry())
	for key, condition in registry().items():
		assert condition.key == key
		assert "%(" in condition.sql and "customer" in condition.sql
		assert condition.frequency in ("daily", "hourly")
		assert condition.parameters


def test_hour_based_condition_runs_hourly():
	assert get_condition("unanswered_feedback").frequency == "hourly"
	assert get_condition("no_purchase").frequency == "daily"
	assert get_condition("nonexistent") is None and get_condition(None) is None


@pytest.mark.parametrize(
	("value", "expected"),
	[
		(None, MISSING),
		("", MISSING),
		(-1, NEGATIVE),
		("abc", NOT_A_NUMBER),
		(True, NOT_A_NUMBER),
		(2.5, NOT_WHOLE),
		(0, TOO_SMALL),
		(101, TOO_LARGE),
		(1, None),
		("100", None),
		(60.0, None),
	],
)
def test_parameter_problems(value, expected):
	assert Parameter("x", "X", minimum=1, maximum=100).problem(value) == expected


def test_optional_parameter_may_be_missing_but_not_negative():
	optional = Parameter("min_amount", "Minimum Amount", required=False, integer=False)
	assert optional.problem(None) is None
	assert optional.problem(-0.01) == NEGATIVE
	assert optional.problem(12.5) is None
	assert optional.clean(None) is None and optional.clean("12.5") == 12.5


def test_condition_reports_missing_negative_and_unknown_parameters():
	condition = get_condition("few_followups")
	problems = {(getattr(p, "name", p), why) for p, why in condition.problems({"days": -3, "color": 1})}
	assert problems == {("count", MISSING), ("days", NEGATIVE), ("color", "unknown")}
	assert condition.problems({"count": 2, "days": 7}) == []
	assert condition.clean({"count": 2.0, "days": "7"}) == {"count": 2, "days": 7}


def test_explanation_names_the_values():
	condition = get_condition("no_purchase")
	text = condition.explain({"days": 60}, {"days_since": 63, "invoice": "SINV-0042"})
	assert text == "63 days since last invoice SINV-0042"


def test_amounts_are_kept_apart_and_left_out_of_the_public_explanation():
	overdue = get_condition("overdue_invoice")
	row = {"invoice": "SINV-1", "days_overdue": 40, "invoices": 2, "overdue_amount": 4321.5, "days": 30}
	facts, money = overdue.split(row)
	assert money == {"overdue_amount": 4321.5}
	assert "overdue_amount" not in facts
	assert "4321.5" in overdue.template(True).format(**row)
	assert overdue.template(False).format(**facts) == "Invoice SINV-1 overdue by 40 days (2 overdue)"
	# a condition without amounts has one template
	no_purchase = get_condition("no_purchase")
	assert no_purchase.template(False) == no_purchase.template(True) == no_purchase.explanation
