"""Adoption periods: calendar months or quarters, counted in each user's own time zone.

Plain Python (no ``frappe``): the program's period for a day, the one before it, and the instants that
bound a user's local period, expressed in the site's time zone, as every timestamp in the database is.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONTHLY = "Monthly"
QUARTERLY = "Quarterly"
FREQUENCIES = (MONTHLY, QUARTERLY)


def _months(frequency: str) -> int:
	if frequency not in FREQUENCIES:
		raise ValueError(f"unknown period: {frequency}")
	return 1 if frequency == MONTHLY else 3


def period_of(day: date, frequency: str) -> tuple[date, date]:
	"""The period (first day, last day) holding ``day``."""
	months = _months(frequency)
	first_month = (day.month - 1) // months * months + 1
	start = date(day.year, first_month, 1)
	return start, next_start(start, frequency) - timedelta(days=1)


def next_start(start: date, frequency: str) -> date:
	month = start.month - 1 + _months(frequency)
	return date(start.year + month // 12, month % 12 + 1, 1)


def previous_period(day: date, frequency: str) -> tuple[date, date]:
	"""The last period that ended before the one holding ``day``."""
	start, _end = period_of(day, frequency)
	return period_of(start - timedelta(days=1), frequency)


def local_bounds(start: date, end: date, user_tz: str, system_tz: str) -> tuple[datetime, datetime]:
	"""[from, to) in the site's time zone (naive, as stored) for the local days ``start``..``end``:
	from local midnight of the first day to local midnight after the last, so 23:59 on the last day
	is inside and 00:00 on the next is not."""
	local, site = ZoneInfo(user_tz), ZoneInfo(system_tz)

	def to_site(day: date) -> datetime:
		return datetime.combine(day, time.min, tzinfo=local).astimezone(site).replace(tzinfo=None)

	return to_site(start), to_site(end + timedelta(days=1))


def day_offset_seconds(user_tz: str, system_tz: str, at: date) -> int:
	"""Seconds to add to a site timestamp to read the user's local day, at the start of ``at``
	(a period crossing a daylight-saving change buckets its days with the offset of its first day)."""
	moment = datetime.combine(at, time(12))
	local = moment.replace(tzinfo=ZoneInfo(user_tz)).utcoffset()
	site = moment.replace(tzinfo=ZoneInfo(system_tz)).utcoffset()
	return int((local - site).total_seconds())
