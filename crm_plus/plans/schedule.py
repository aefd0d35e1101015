"""When a CRM Plan is evaluated: plain date maths, no ``frappe`` import, unit-tested without a bench.

Evaluations fall on month ends. The n-th due date of a plan is the last day of the month that lies
``n * step`` months after the month of the day before the plan starts (step: 1 monthly, 3 quarterly,
6 half-yearly, 12 yearly). So:

- a monthly plan starting 31 January is due on 28 (29) February, 31 March, 30 April, …;
- a quarterly plan starting 1 January (or on 31 December) is due on the quarter ends 31 March, 30 June,
  30 September, 31 December;
- a plan starting mid-month adds its first, partial month to its first period.

The last period is cut short at the plan's end date: a plan ending 15 May is last evaluated on 15 May.
Each evaluation covers the days after the previous due date up to its own (the first from the plan start).
"""

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

STEP_MONTHS = {"Monthly": 1, "Quarterly": 3, "Half-yearly": 6, "Yearly": 12}
FREQUENCIES = tuple(STEP_MONTHS)


def month_end(year: int, month: int) -> date:
	return date(year, month, calendar.monthrange(year, month)[1])


def add_months_to_month_end(day: date, months: int) -> date:
	"""The last day of the month ``months`` after the month of ``day``."""
	index = day.year * 12 + (day.month - 1) + months
	return month_end(index // 12, index % 12 + 1)


def step(frequency: str) -> int:
	try:
		return STEP_MONTHS[frequency]
	except KeyError:
		raise ValueError(f"unknown evaluation frequency: {frequency!r}") from None


def due_dates(start: date, frequency: str, end: date | None = None) -> Iterator[date]:
	"""Every due date of a plan running from ``start`` (to ``end``, or forever), in order."""
	months, base, n = step(frequency), start - timedelta(days=1), 1
	while True:
		due = add_months_to_month_end(base, n * months)
		if end is not None and due >= end:
			if end >= start:
				yield end
			return
		yield due
		n += 1


def next_due(start: date, frequency: str, after: date | None = None, end: date | None = None) -> date | None:
	"""The first due date strictly after ``after`` (the first of all when ``after`` is None); None when the
	plan has no due date left."""
	for due in due_dates(start, frequency, end):
		if after is None or due > after:
			return due
	return None


def previous_due(start: date, frequency: str, due: date, end: date | None = None) -> date | None:
	"""The due date before ``due``; None for the first."""
	before = None
	for candidate in due_dates(start, frequency, end):
		if candidate >= due:
			return before
		before = candidate
	return before


def period(start: date, frequency: str, due: date, end: date | None = None) -> tuple[date, date]:
	"""The days an evaluation due on ``due`` covers: after the previous due date (or from the plan start)."""
	before = previous_due(start, frequency, due, end)
	return (before + timedelta(days=1) if before else start), due


def period_days(due: date, frequency: str) -> int:
	"""Days of the full evaluation period due on ``due``: the frequency's months ending with the month of
	``due`` (a period cut short at the plan's end, or an interim evaluation, covers fewer)."""
	return (month_end(due.year, due.month) - add_months_to_month_end(due, -step(frequency))).days


def window_before(day: date, frequency: str) -> tuple[date, date]:
	"""One evaluation period (the frequency's months) ending the day before ``day``: a plan's baseline."""
	to = day - timedelta(days=1)
	months = step(frequency)
	index = day.year * 12 + (day.month - 1) - months
	year, month = index // 12, index % 12 + 1
	return date(year, month, min(day.day, calendar.monthrange(year, month)[1])), to


def previous_window(from_date: date, to_date: date) -> tuple[date, date]:
	"""The window of the same number of days immediately before [from_date, to_date]."""
	days = (to_date - from_date).days + 1
	return from_date - timedelta(days=days), from_date - timedelta(days=1)
