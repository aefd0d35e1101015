"""What an adoption metric is: one set-based query returning ``(user, value)`` for a period.

A metric is one small module in this package defining ``METRIC``; the registry (``metrics/__init__.py``)
finds it by itself. Its SQL reads these bound values:

- ``users``: the participants it is asked about (a tuple for ``in %(users)s``);
- ``start`` / ``end``: the period as [start, end) instants in the site's time zone, already converted from
  the users' own local midnights (every user in one call shares a time zone);
- ``offset``: seconds to add to a site timestamp to read the user's local day.

It returns one row per user with something to count, ``user`` and ``value``; users without a row score 0.
Records that are cancelled never count (each query says how it recognises them); deleted records are
gone from their table, so they cannot. A metric over a doctype another part of the app brings names it in
``requires``: until that doctype's table exists the metric counts nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass


def _(text: str) -> str:
	"""Marks a literal for translation extraction; frappe translates it where it is shown."""
	return text


@dataclass(frozen=True)
class Metric:
	key: str
	label: str
	description: str
	# SQL text, or a function returning it (None when there is nothing it can count on this site)
	sql: str | Callable[[], str | None]
	unit: str = ""
	requires: tuple[str, ...] = ()
	default_target: float = 10

	def query(self) -> str | None:
		return self.sql() if callable(self.sql) else self.sql
