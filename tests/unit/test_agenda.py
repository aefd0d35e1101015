from datetime import date

from crm_plus.touchpoints import agenda
from crm_plus.touchpoints.agenda import CANCEL, CREATE, MOVE, FollowUpToDo

MON, TUE = date(2026, 12, 7), date(2026, 12, 8)


def todo(user="am@example.com", when=MON, status="Open"):
	return FollowUpToDo("TD-1", user, when, status)


def test_a_first_follow_up_date_makes_a_todo_for_the_responsible():
	assert agenda.follow_up_steps(MON, "am@example.com", None) == [(CREATE, ("am@example.com", MON))]


def test_no_date_or_nobody_responsible_makes_nothing():
	assert agenda.follow_up_steps(None, "am@example.com", None) == []
	assert agenda.follow_up_steps(MON, None, None) == []


def test_a_new_date_moves_the_open_todo():
	open_todo = todo()
	assert agenda.follow_up_steps(TUE, "am@example.com", open_todo, MON) == [(MOVE, (open_todo, TUE))]


def test_the_same_date_and_user_change_nothing():
	assert agenda.follow_up_steps(MON, "am@example.com", todo(), MON) == []


def test_a_cleared_date_cancels_the_open_todo():
	open_todo = todo()
	assert agenda.follow_up_steps(None, "am@example.com", open_todo, MON) == [(CANCEL, open_todo)]


def test_another_responsible_gets_the_follow_up_instead():
	open_todo = todo()
	assert agenda.follow_up_steps(MON, "other@example.com", open_todo, MON) == [
		(CANCEL, open_todo),
		(CREATE, ("other@example.com", MON)),
	]


def test_a_done_follow_up_stays_done_unless_a_new_date_asks_for_another():
	done = todo(status="Closed")
	assert agenda.follow_up_steps(MON, "am@example.com", done, MON) == []
	assert agenda.follow_up_steps(None, "am@example.com", done, MON) == []
	assert agenda.follow_up_steps(TUE, "am@example.com", done, MON) == [(CREATE, ("am@example.com", TUE))]


def test_day_buckets():
	assert agenda.day_bucket(date(2026, 12, 6), MON) == agenda.OVERDUE
	assert agenda.day_bucket(MON, MON) == agenda.TODAY
	assert agenda.day_bucket(None, MON) == agenda.TODAY
	assert agenda.day_bucket(TUE, MON) == agenda.UPCOMING


def test_split_day_orders_each_list_and_leaves_out_the_far_future():
	rows = [
		{"name": "a", "date": date(2026, 12, 20)},
		{"name": "b", "date": date(2026, 12, 1)},
		{"name": "c", "date": date(2026, 11, 30)},
		{"name": "d", "date": MON},
		{"name": "e", "date": None},
		{"name": "f", "date": TUE},
		{"name": "g", "date": date(2027, 3, 1)},
	]
	day = agenda.split_day(rows, MON, upcoming_days=14)
	assert [r["name"] for r in day[agenda.OVERDUE]] == ["c", "b"]
	assert [r["name"] for r in day[agenda.TODAY]] == ["d", "e"]
	assert [r["name"] for r in day[agenda.UPCOMING]] == ["f", "a"]
