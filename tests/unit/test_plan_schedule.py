"""Due dates of CRM Plan evaluations: month ends, quarter ends, the plan's end."""

from datetime import date
from itertools import islice

import pytest

from crm_plus.plans import schedule


def first(n, start, frequency, end=None):
	return list(islice(schedule.due_dates(start, frequency, end), n))


def test_monthly_plan_starting_31_january_falls_on_month_ends():
	assert first(4, date(2027, 1, 31), "Monthly") == [
		date(2027, 2, 28),
		date(2027, 3, 31),
		date(2027, 4, 30),
		date(2027, 5, 31),
	]


def test_monthly_plan_starting_31_january_of_a_leap_year_is_due_29_february():
	assert first(2, date(2028, 1, 31), "Monthly") == [date(2028, 2, 29), date(2028, 3, 31)]


def test_monthly_plan_starting_on_the_first_is_due_at_that_month_end():
	assert first(3, date(2027, 1, 1), "Monthly") == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_quarterly_plan_falls_on_quarter_ends():
	expected = [date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30), date(2027, 12, 31)]
	assert first(4, date(2027, 1, 1), "Quarterly") == expected
	assert first(4, date(2026, 12, 31), "Quarterly") == expected


def test_half_yearly_and_yearly():
	assert first(2, date(2027, 1, 1), "Half-yearly") == [date(2027, 6, 30), date(2027, 12, 31)]
	assert first(2, date(2027, 7, 1), "Yearly") == [date(2028, 6, 30), date(2029, 6, 30)]


def test_mid_month_start_adds_the_partial_month_to_the_first_period():
	assert first(2, date(2027, 1, 15), "Monthly") == [date(2027, 2, 28), date(2027, 3, 31)]


def test_last_due_date_is_the_plan_end():
	assert list(schedule.due_dates(date(2027, 1, 1), "Quarterly", date(2027, 5, 15))) == [
		date(2027, 3, 31),
		date(2027, 5, 15),
	]
	assert list(schedule.due_dates(date(2027, 1, 1), "Quarterly", date(2027, 6, 30))) == [
		date(2027, 3, 31),
		date(2027, 6, 30),
	]


def test_next_due_and_periods():
	start = date(2027, 1, 31)
	assert schedule.next_due(start, "Monthly") == date(2027, 2, 28)
	assert schedule.next_due(start, "Monthly", after=date(2027, 2, 28)) == date(2027, 3, 31)
	assert schedule.next_due(start, "Monthly", after=date(2027, 3, 5)) == date(2027, 3, 31)
	assert schedule.next_due(start, "Monthly", after=date(2027, 3, 31), end=date(2027, 3, 31)) is None
	assert schedule.period(start, "Monthly", date(2027, 2, 28)) == (start, date(2027, 2, 28))
	assert schedule.period(start, "Monthly", date(2027, 3, 31)) == (date(2027, 3, 1), date(2027, 3, 31))


def test_baseline_and_previous_windows():
	assert schedule.window_before(date(2027, 1, 1), "Quarterly") == (date(2026, 10, 1), date(2026, 12, 31))
	assert schedule.window_before(date(2027, 3, 31), "Monthly") == (date(2027, 2, 28), date(2027, 3, 30))
	assert schedule.previous_window(date(2027, 3, 1), date(2027, 3, 31)) == (
		date(2027, 1, 29),
		date(2027, 2, 28),
	)


def test_unknown_frequency_is_refused():
	with pytest.raises(ValueError):
		schedule.next_due(date(2027, 1, 1), "Weekly")


def test_period_days_are_the_frequencys_months_ending_with_the_due_dates_month():
	assert schedule.period_days(date(2026, 3, 31), "Quarterly") == 90
	assert schedule.period_days(date(2026, 9, 30), "Quarterly") == 92
	assert schedule.period_days(date(2026, 2, 28), "Monthly") == 28
	assert schedule.period_days(date(2026, 5, 15), "Monthly") == 31  # a period cut short at the plan's end
	assert schedule.period_days(date(2026, 12, 31), "Yearly") == 365
