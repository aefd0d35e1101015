"""A touchpoint's next follow-up, and an account manager's day: which ToDos are overdue, due or coming.

Plain Python on purpose: no ``frappe`` import, so the rules are unit-tested without a bench.

A touchpoint with a *Next Follow-up* date has one open ToDo for it, assigned to the touchpoint's
responsible user and dated that day. :func:`follow_up_steps` says what to do when the touchpoint is saved:
make the ToDo, move its date, hand it to another user (cancel and make anew) or cancel it when the date is
cleared. A ToDo already closed is done: it is left alone unless the date changes, which asks for a new
follow-up.
"""

from dataclasses import dataclass
from datetime import date

CREATE, MOVE, CANCEL = "create", "move", "cancel"
OPEN = "Open"


@dataclass(frozen=True)
class FollowUpToDo:
	"""The ToDo a touchpoint made for its follow-up, as stored."""

	name: str
	allocated_to: str
	date: date | None
	status: str


def follow_up_steps(
	new_date: date | None, user: str | None, todo: FollowUpToDo | None, old_date: date | None = None
) -> list[tuple[str, object]]:
	"""What saving a touchpoint does to its follow-up ToDo: a list of ``(CREATE, (user, date))``,
	``(MOVE, (todo, date))`` and ``(CANCEL, todo)`` steps, in order; empty when nothing changes.

	``new_date`` and ``user`` are the touchpoint's next follow-up and responsible user now, ``todo`` the
	ToDo it made before (if any) and ``old_date`` the follow-up date it had before this save."""
	is_open = todo is not None and todo.status == OPEN
	if not new_date or not user:
		return [(CANCEL, todo)] if is_open else []
	if not is_open:
		# nothing open: a first follow-up, or a new date after the last one was done (or cancelled)
		if todo is None or new_date != old_date:
			return [(CREATE, (user, new_date))]
		return []
	if todo.allocated_to != user:
		return [(CANCEL, todo), (CREATE, (user, new_date))]
	if todo.date != new_date:
		return [(MOVE, (todo, new_date))]
	return []


OVERDUE, TODAY, UPCOMING = "overdue", "today", "upcoming"


def day_bucket(todo_date: date | None, today: date) -> str:
	"""Where an open ToDo of the user stands on ``today``: before it (overdue), on it, or after it. A ToDo
	without a date is due today (Frappe's list shows it among today's work)."""
	if todo_date is None or todo_date == today:
		return TODAY
	return OVERDUE if todo_date < today else UPCOMING


def split_day(todos: list[dict], today: date, upcoming_days: int = 14) -> dict[str, list[dict]]:
	"""The user's open ToDos (each a dict with a ``date``) in the three lists of the day: overdue (oldest
	first), today, and upcoming within ``upcoming_days`` (soonest first)."""
	out: dict[str, list[dict]] = {OVERDUE: [], TODAY: [], UPCOMING: []}
	for todo in todos:
		bucket = day_bucket(todo.get("date"), today)
		if bucket == UPCOMING and (todo["date"] - today).days > upcoming_days:
			continue
		out[bucket].append(todo)
	for rows in out.values():
		rows.sort(key=lambda t: (t.get("date") or today, str(t.get("name") or "")))
	return out
