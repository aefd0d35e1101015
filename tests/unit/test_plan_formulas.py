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
