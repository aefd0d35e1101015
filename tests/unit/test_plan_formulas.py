"""Rates, growth, achievement and the weighted score of a CRM Plan evaluation."""

import pytest

from crm_plus.plans import formulas


def test_percent_ratio_growth():
	assert formulas.percent(1, 4) == 25
	assert formulas.percent(3, 0) is None and formulas.percent(None, 4) is None
	assert formulas.ratio(7, 2) == 3.5 and formulas.ratio(1, 0) is None
	assert formulas.growth(150, 100) == 50
	assert formulas.growth(50, -100) == 150
	assert formulas.growth(10, 0) is None


@pytest.mark.parametrize(
	"actual,target,direction,baseline,expected",
	[
		(75, 100, "Raise", 50, 50.0),  # half-way from 50 to 100
		(120, 100, "Raise", 50, 140.0),
		(40, 100, "Raise", 50, 0.0),  # went backwards: no negative achievement
		(80, 100, "Raise", None, 80.0),
		(30, 20, "Lower", 40, 50.0),  # half-way from 40 down to 20
		(25, 20, "Lower", None, 80.0),
		(10, 20, "Lower", None, 100.0),
		(0, 0, "Lower", None, 100.0),
		(500, 100, "Raise", 0, 200.0),  # capped
		(None, 100, "Raise", 50, None),
		(110, 100, "Raise", 120, 100.0),  # target already met at the baseline: actual vs target
	],
)
def test_achievement(actual, target, direction, baseline, expected):
	assert formulas.achievement(actual, target, direction, baseline) == expected


def test_weighted_score():
	assert formulas.weighted_score([(100, 60), (50, 40)]) == 80
	assert formulas.weighted_score([(100, 60), (None, 40)]) == 100  # no figure yet: left out
	assert formulas.weighted_score([(100, 0), (50, 0)]) == 75  # no weights: equal
	assert formulas.weighted_score([(None, 10)]) is None


def test_weight_bounds():
	assert not formulas.weight_error(0) and not formulas.weight_error(100)
	assert formulas.weight_error(-1) and formulas.weight_error(100.5)


def test_a_target_for_one_period_is_scaled_only_for_an_evaluation_of_other_length():
	each, whole = formulas.EACH_PERIOD, formulas.WHOLE_PLAN
	assert formulas.evaluation_target(1000, True, each, 92, 92, 365) == (1000, 92)
	assert formulas.evaluation_target(1000, True, each, 46, 92, 365) == (500, 92)  # interim: half
	assert formulas.evaluation_target(3650, True, whole, 92, 92, 365) == (920, 365)
	# a rate or a score is never scaled
	assert formulas.evaluation_target(20, False, whole, 46, 92, 365) == (20, None)


def test_a_baseline_stands_for_one_full_period():
	assert formulas.evaluation_baseline(500, True, 92, 92) == 500
	assert formulas.evaluation_baseline(500, True, 46, 92) == 250
	assert formulas.evaluation_baseline(30, False, 46, 92) == 30


@pytest.mark.parametrize(
	("target", "direction", "minimum", "maximum", "baseline", "problem"),
	[
		(120, "Raise", 0, 100, None, formulas.ABOVE_MAXIMUM),
		(-5, "Raise", 0, None, None, formulas.BELOW_MINIMUM),
		(0, "Raise", 0, None, None, formulas.MET_BY_ANYTHING),
		(100, "Lower", 0, 100, None, formulas.MET_BY_ANYTHING),
		(400, "Raise", 0, None, 500, formulas.NOT_BEYOND_BASELINE),
		(500, "Raise", 0, None, 500, formulas.NOT_BEYOND_BASELINE),
		(30, "Lower", 0, 100, 20, formulas.NOT_BEYOND_BASELINE),
		(600, "Raise", 0, None, 500, None),
		(10, "Lower", 0, 100, 20, None),
		(0, "Lower", 0, 100, 20, None),  # lowering churn to none is possible
		(-50, "Raise", None, None, None, None),  # revenue growth may be negative
		(5, "Raise", 1, 7, None, None),
	],
)
def test_goal_problems(target, direction, minimum, maximum, baseline, problem):
	assert formulas.goal_problem(target, direction, minimum, maximum, baseline) == problem


def test_achievement_from_baseline_only_when_asked_and_the_baseline_is_on_the_far_side():
	assert formulas.uses_baseline(1000, "Raise", 500)
	assert not formulas.uses_baseline(1000, "Raise", 500, formulas.AGAINST_TARGET)
	assert not formulas.uses_baseline(1000, "Raise", None)
	assert not formulas.uses_baseline(400, "Raise", 500)
	assert formulas.uses_baseline(10, "Lower", 20)
	assert formulas.unbounded_achievement(850, 900, "Raise", 950) is not None
	assert formulas.unbounded_achievement(2210, 5000, "Raise", 2500) == pytest.approx(-11.6)
	assert formulas.achievement(2210, 5000, "Raise", 2500) == 0
	assert formulas.achievement(2210, 5000, "Raise", None) == 44.2
