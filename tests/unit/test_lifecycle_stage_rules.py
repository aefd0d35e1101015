"""The stage decision, worked by hand (no frappe)."""

from datetime import date, datetime, timedelta

import pytest

from crm_plus.lifecycle.stage_rules import decide_stage

TODAY = date(2026, 6, 30)


def ago(days: int) -> date:
	return TODAY - timedelta(days=days)


def stage(count, first, last, flag=None, flagged_on=None):
	return decide_stage(TODAY, count, first, last, 90, 365, flag, flagged_on)


@pytest.mark.parametrize(
	("count", "first", "last", "expected"),
	[
		(0, None, None, "Prospect"),  # never bought (a converted Lead or Prospect too)
		(1, ago(10), ago(10), "Nurturing"),  # first purchase 10 days ago
		(3, ago(89), ago(1), "Nurturing"),  # several purchases, but the first is within 90 days
		(3, ago(90), ago(1), "Maintenance"),  # day 90: out of the nurturing window, repeat customer
		(1, ago(200), ago(200), "Nurturing"),  # bought once long ago: not yet a repeat customer
		(5, ago(700), ago(364), "Maintenance"),
		(5, ago(700), ago(365), "Churned"),  # no purchase for exactly 365 days
		(1, ago(400), ago(400), "Churned"),
	],
)
def test_stage_by_purchases(count, first, last, expected):
	assert stage(count, first, last) == expected


def test_flag_holds_until_a_later_purchase():
	assert stage(4, ago(300), ago(70), "At Risk", ago(5)) == "At Risk"
	assert stage(4, ago(300), ago(5), "At Risk", datetime.combine(ago(5), datetime.min.time())) == "At Risk"
	# bought after the flag: the flag no longer holds
	assert stage(4, ago(300), ago(2), "At Risk", ago(5)) == "Maintenance"


def test_churn_and_prospect_win_over_a_flag():
	assert stage(4, ago(800), ago(400), "At Risk", ago(1)) == "Churned"
	assert stage(0, None, None, "At Risk", ago(1)) == "Prospect"
