"""Adoption periods, scores and tiers: plain Python, no site."""

from datetime import date, datetime

import pytest

from crm_plus.adoption import periods, scoring
from crm_plus.adoption.scoring import Contribution, MetricSetting, Tier


def test_monthly_and_quarterly_periods():
	assert periods.period_of(date(2026, 2, 14), "Monthly") == (date(2026, 2, 1), date(2026, 2, 28))
	assert periods.period_of(date(2026, 12, 31), "Monthly") == (date(2026, 12, 1), date(2026, 12, 31))
	assert periods.period_of(date(2026, 5, 1), "Quarterly") == (date(2026, 4, 1), date(2026, 6, 30))
	assert periods.period_of(date(2026, 11, 30), "Quarterly") == (date(2026, 10, 1), date(2026, 12, 31))
	assert periods.previous_period(date(2026, 1, 10), "Monthly") == (date(2025, 12, 1), date(2025, 12, 31))
	assert periods.previous_period(date(2026, 1, 10), "Quarterly") == (date(2025, 10, 1), date(2025, 12, 31))
	with pytest.raises(ValueError):
		periods.period_of(date(2026, 1, 1), "Weekly")


def test_local_bounds_convert_the_users_midnights_to_site_time():
	# a user in Shanghai (UTC+8) on a UTC site: the period starts at 16:00 UTC the day before
	start, end = periods.local_bounds(date(2026, 3, 1), date(2026, 3, 31), "Asia/Shanghai", "UTC")
	assert start == datetime(2026, 2, 28, 16, 0)
	assert end == datetime(2026, 3, 31, 16, 0)
	# 23:59 local on the last day is inside, 00:00 local on the next day is not
	last_minute = datetime(2026, 3, 31, 15, 59)
	assert start <= last_minute < end
	assert not datetime(2026, 3, 31, 16, 0) < end
	# same zone: plain midnights
	assert periods.local_bounds(date(2026, 3, 1), date(2026, 3, 31), "UTC", "UTC") == (
		datetime(2026, 3, 1),
		datetime(2026, 4, 1),
	)


def test_day_offset_follows_daylight_saving():
	assert periods.day_offset_seconds("Asia/Shanghai", "UTC", date(2026, 3, 1)) == 8 * 3600
	assert periods.day_offset_seconds("UTC", "Asia/Kolkata", date(2026, 3, 1)) == -(5 * 3600 + 1800)
	assert periods.day_offset_seconds("Europe/Berlin", "UTC", date(2026, 1, 15)) == 3600
	assert periods.day_offset_seconds("Europe/Berlin", "UTC", date(2026, 7, 15)) == 7200


SETTINGS = [MetricSetting("a", 3, 10), MetricSetting("b", 1, 4)]


def test_contributions_are_weighted_capped_shares_of_100():
	parts = scoring.contributions({"a": 5, "b": 8}, SETTINGS)
	# a: 75 points at most, half the target reached; b: 25 at most, target passed (no extra)
	assert parts == [Contribution("a", 5.0, 10, 3, 37.5), Contribution("b", 8.0, 4, 1, 25.0)]
	assert scoring.score(parts) == 62.5
	assert scoring.score(scoring.contributions({}, SETTINGS)) == 0
	assert scoring.score(scoring.contributions({"a": 100, "b": 100}, SETTINGS)) == 100


def test_tier_is_the_highest_threshold_reached():
	tiers = [Tier(50, "Lunch", 10), Tier(80, "Team dinner", 50)]
	assert scoring.tier_for(49.99, tiers) is None
	assert scoring.tier_for(50, tiers).reward == "Lunch"
	assert scoring.tier_for(95, tiers).reward == "Team dinner"
	assert scoring.tier_for(95, []) is None


def test_problems_name_the_row_and_field():
	known = {"a", "b"}
	assert scoring.problems(SETTINGS, [Tier(50, "x")], known) == []
	assert scoring.problems([], [], known) == [(0, "metrics", scoring.NO_METRICS)]
	found = scoring.problems(
		[MetricSetting("a", 1, 1), MetricSetting("a", -1, 0), MetricSetting("zz", 0, 1)],
		[Tier(0, "x"), Tier(60, "y", -5), Tier(60, "z")],
		known,
	)
	assert (1, "metric", scoring.DUPLICATE_METRIC) in found
	assert (1, "weight", scoring.NEGATIVE_WEIGHT) in found
	assert (1, "target", scoring.TARGET_NOT_POSITIVE) in found
	assert (2, "metric", scoring.UNKNOWN_METRIC) in found
	assert (0, "threshold", scoring.THRESHOLD_OUT_OF_RANGE) in found
	assert (1, "energy_points", scoring.NEGATIVE_POINTS) in found
	assert (2, "threshold", scoring.DUPLICATE_THRESHOLD) in found
	assert scoring.problems([MetricSetting("a", 0, 1)], [], known) == [(0, "weight", scoring.NO_WEIGHT)]
