"""CRM adoption: scores from the records themselves, period boundaries in the user's time zone, reward
proposals, approval and energy points, and who may see or change what."""

import html
import re
from datetime import date, datetime, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import frappe
import pytest
from frappe.utils import get_system_timezone

from crm_plus.adoption import leaderboard, metrics, rewards, scores
from tests.integration.factories import make_customer, make_user

MARCH = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def many_users(monkeypatch):
	"""These tests make several users each; Frappe throttles a site that creates over 60 in an hour."""
	monkeypatch.setitem(frappe.local.conf, "throttle_user_limit", 10**6)


def make_program(users, metric_rows, tiers=(), period="Monthly", start_date=date(2026, 1, 1)):
	return frappe.get_doc(
		{
			"doctype": "CRM Adoption Program",
			"title": f"_Test Adoption {frappe.generate_hash(length=8)}",
			"period": period,
			"start_date": start_date,
			"users": [{"user": u} for u in users],
			"metrics": [{"metric": m, "weight": w, "target": t} for m, w, t in metric_rows],
			"tiers": [{"threshold": th, "reward": r, "energy_points": p} for th, r, p in tiers],
		}
	).insert()


def site_time(local: datetime, tz: str) -> datetime:
	"""A user's local wall-clock time as the site stores it."""
	return local.replace(tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)


def logged(customer: str, user: str, when: datetime, touchpoint_type: str = "Call") -> str:
	"""A hand-logged touchpoint authored by ``user`` at site time ``when``."""
	doc = frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": touchpoint_type,
			"direction": "Outbound",
			"company": "_Test Company",
			"posting_date": when.date(),
		}
	).insert()
	frappe.db.set_value(
		"Customer Touchpoint", doc.name, {"owner": user, "creation": when}, update_modified=False
	)
	return doc.name


def score_of(program, user, day=MARCH) -> dict:
	start = scores.periods.period_of(day, program.period)[0]
	name = frappe.db.get_value(
		"CRM Adoption Score", {"program": program.name, "user": user, "period_start": start}, "name"
	)
	doc = frappe.get_doc("CRM Adoption Score", name)
	return {
		"score": doc.score,
		"reward": doc.reward,
		**{p.metric: (p.value, p.points) for p in doc.contributions},
	}


def test_scores_equal_hand_counts_padding_counts_once_cancelled_and_deleted_never():
	a, b = make_user("CRM User"), make_user("Sales User")
	c1, c2, c3, c4 = (make_customer() for _ in range(4))
	day1, day2 = datetime(2026, 3, 10, 10), datetime(2026, 3, 11, 10)
	for minute in range(10):  # padding: ten touchpoints for one customer in one day count once
		logged(c1, a, day1.replace(minute=minute))
	visit = logged(c2, a, day1, "Visit")  # another customer the same day: 1
	logged(c1, a, day2, "Meeting")  # the same customer another day: 1
	cancelled = logged(c3, a, day2)
	frappe.db.set_value("Customer Touchpoint", cancelled, "status", "Cancelled", update_modified=False)
	frappe.delete_doc("Customer Touchpoint", logged(c4, a, day2))
	logged(c1, a, datetime(2026, 2, 27, 10))  # previous period
	logged(c1, b, day1)
	# a touchpoint recorded from a document is not hand-logged, even under the user's name
	system = logged(c2, b, day2, "Email")
	frappe.db.set_value(
		"Customer Touchpoint",
		system,
		{"reference_doctype": "Customer", "reference_name": c2},
		update_modified=False,
	)

	program = make_program([a, b], [("manual_touchpoints", 3, 6), ("alerts_resolved", 1, 2)])
	assert scores.compute(program.name, MARCH) == 2

	got = score_of(program, a)
	assert got["manual_touchpoints"] == (3, 37.5)  # 3 of 6 → half of 75
	assert got["alerts_resolved"] == (0, 0)
	assert got["score"] == 37.5
	assert score_of(program, b)["manual_touchpoints"] == (1, 12.5)

	# recomputing replaces, never adds; a record deleted since is gone from the score
	frappe.delete_doc("Customer Touchpoint", visit)
	scores.compute(program.name, MARCH)
	assert frappe.db.count("CRM Adoption Score", {"program": program.name}) == 2
	assert score_of(program, a)["manual_touchpoints"] == (2, 25.0)


def test_alerts_todos_feedback_and_competitor_notes_count_when_on_time():
	user = make_user("CRM User")
	customer = make_customer()
	# one of the shipped example rules (cooldowns of 1 to 30 days): alerts need a rule, not a new one
	rule = frappe.get_all(
		"Lifecycle Rule",
		filters=[["cooldown_days", ">=", 1], ["cooldown_days", "<=", 30]],
		fields=["name", "cooldown_days"],
	)[0]
	in_time, late, reopened = (
		frappe.get_doc(
			{
				"doctype": "Lifecycle Alert",
				"rule": rule.name,
				"customer": customer,
				"matched_on": datetime(2026, 3, day, 9),
				"window_start": date(2026, 3, day),
				"status": "Open",
				"responsible_user": user,
			}
		).insert(ignore_permissions=True)
		for day in (1, 2, 3)
	)

	def todo(status, created, closed, due=None, reference=("Lifecycle Alert", in_time.name)):
		doc = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"description": "adoption test",
				"reference_type": reference[0],
				"reference_name": reference[1],
				"date": due,
			}
		).insert(ignore_permissions=True)
		frappe.db.sql(
			"update `tabToDo` set status = %s, creation = %s, modified = %s, date = %s where name = %s",
			(status, created, closed, due or created.date(), doc.name),  # date: as made that day
		)

	todo("Closed", datetime(2026, 3, 1), datetime(2026, 3, 6))  # due that day, 7 days' grace: counts
	todo("Closed", datetime(2026, 3, 1), datetime(2026, 3, 20))  # late
	todo("Closed", datetime(2026, 3, 1), datetime(2026, 3, 20), due=date(2026, 3, 25))  # by its date
	todo("Cancelled", datetime(2026, 3, 1), datetime(2026, 3, 2))  # cancelled never counts
	todo("Closed", datetime(2026, 3, 1), datetime(2026, 3, 2), reference=("Customer", customer))  # no rule's

	# resolved after the ToDos exist (a new ToDo of an alert reopens it)
	frappe.db.set_value(
		"Lifecycle Alert", in_time.name, {"status": "Resolved", "resolved_on": datetime(2026, 3, 2, 9)}
	)
	past_cooldown = datetime(2026, 3, 2, 10) + timedelta(days=rule.cooldown_days)
	frappe.db.set_value("Lifecycle Alert", late.name, {"status": "Resolved", "resolved_on": past_cooldown})
	frappe.db.set_value("Lifecycle Alert", reopened.name, "resolved_on", datetime(2026, 3, 4))

	metric_rows = [("alerts_resolved", 1, 4), ("todos_closed", 1, 4)]
	has_feedback = (
		frappe.db.table_exists("Feedback Response") and metrics.get_metric("feedback_answered").query()
	)
	has_notes = frappe.db.table_exists("Competitor Note")
	if has_notes:
		metric_rows.append(("competitor_notes", 1, 4))
	if has_feedback:
		metric_rows.append(("feedback_answered", 1, 4))
	program = make_program([user], metric_rows)
	if has_notes:
		competitor = frappe.get_doc(
			{"doctype": "Competitor", "competitor_name": f"_Test {frappe.generate_hash(6)}"}
		).insert()
		note = frappe.get_doc(
			{
				"doctype": "Competitor Note",
				"competitor": competitor.name,
				"observation": "cheaper",
				"captured_by": user,
				"observed_on": date(2026, 3, 3),
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value(
			"Competitor Note", note.name, "creation", datetime(2026, 3, 3), update_modified=False
		)

	if has_feedback:
		# rows as the feedback module leaves them: acknowledged in 10 h, in 30 h, never
		for submitted, acknowledged, status in (
			(datetime(2026, 3, 9, 8), datetime(2026, 3, 9, 18), "Acknowledged"),
			(datetime(2026, 3, 9, 8), datetime(2026, 3, 10, 14), "Resolved"),
			(datetime(2026, 3, 9, 8), None, "New"),
		):
			frappe.db.sql(
				"""insert into `tabFeedback Response` (name, creation, modified, owner, modified_by, docstatus,
				status, responsible, submitted_on, acknowledged_on) values (%s, %s, %s, 'Administrator',
				'Administrator', 0, %s, %s, %s, %s)""",
				(
					frappe.db.get_next_sequence_val("Feedback Response"),
					submitted,
					submitted,
					status,
					user,
					*(submitted, acknowledged),
				),
			)
	scores.compute(program.name, MARCH)
	got = score_of(program, user)
	assert got["alerts_resolved"][0] == 1
	assert got["todos_closed"][0] == 2
	if has_notes:
		assert got["competitor_notes"][0] == 1
	if has_feedback:
		assert got["feedback_answered"][0] == 1
	# registered whether or not their doctype exists yet
	assert {"feedback_answered", "competitor_notes", "plan_evaluations"} <= set(metrics.registry())
	if not has_feedback:
		assert metrics.compute("feedback_answered", [user], datetime(2026, 3, 1), datetime(2026, 4, 1)) == {}


def test_period_boundary_is_the_users_midnight():
	tz = "Asia/Shanghai" if get_system_timezone() != "Asia/Shanghai" else "America/New_York"
	user = make_user("CRM User")
	frappe.db.set_value("User", user, "time_zone", tz)
	c1, c2 = make_customer(), make_customer()
	logged(c1, user, site_time(datetime(2026, 3, 31, 23, 59), tz))  # last minute of March, locally
	logged(c2, user, site_time(datetime(2026, 4, 1, 0, 0), tz))  # first minute of April
	logged(c2, user, site_time(datetime(2026, 3, 1, 0, 0), tz))  # first minute of March
	program = make_program([user], [("manual_touchpoints", 1, 10)])
	scores.compute(program.name, MARCH)
	scores.compute(program.name, date(2026, 4, 2))
	assert score_of(program, user)["manual_touchpoints"][0] == 2
	assert score_of(program, user, date(2026, 4, 2))["manual_touchpoints"][0] == 1


def _rewarded_program():
	star, good, low = (make_user("CRM User") for _ in range(3))
	customers = [make_customer() for _ in range(4)]
	for i, customer in enumerate(customers):
		logged(customer, star, datetime(2026, 3, 2 + i, 10))
	for customer in customers[:2]:
		logged(customer, good, datetime(2026, 3, 2, 11))
	program = make_program(
		[star, good, low],
		[("manual_touchpoints", 1, 4)],
		tiers=[(50, "Lunch", 5), (100, "Team dinner", 20)],
	)
	return program, star, good, low


def test_period_end_proposes_each_reward_once(monkeypatch):
	program, star, good, low = _rewarded_program()
	# during March nothing is proposed for March (February, closed now, has nobody above a tier)
	assert rewards.close_period(program.name, date(2026, 3, 31)) == []
	assert not frappe.db.exists(rewards.REWARD, {"program": program.name})
	created = rewards.close_period(program.name, date(2026, 4, 1))
	assert len(created) == 2
	proposed = {
		r.user: r
		for r in frappe.get_all(
			rewards.REWARD,
			filters={"program": program.name},
			fields=["user", "reward", "energy_points", "status", "score", "period_start"],
		)
	}
	assert set(proposed) == {star, good}
	assert (proposed[star].reward, proposed[star].energy_points, proposed[star].score) == (
		"Team dinner",
		20,
		100,
	)
	assert (proposed[good].reward, proposed[good].status) == ("Lunch", "Proposed")
	assert proposed[star].period_start == date(2026, 3, 1)

	# the job again, and a proposal forced past the closed marker: still one reward each
	monkeypatch.setattr(frappe.db, "commit", lambda *a, **k: None)  # the job commits; the test rolls back
	rewards.daily(date(2026, 4, 2))
	frappe.db.set_value("CRM Adoption Program", program.name, "last_closed_period", None)
	assert rewards.close_period(program.name, date(2026, 4, 3)) == []
	with pytest.raises(frappe.UniqueValidationError):
		frappe.get_doc(
			{
				"doctype": rewards.REWARD,
				"program": program.name,
				"user": star,
				"period_start": date(2026, 3, 1),
				"period_end": date(2026, 3, 31),
				"reward": "again",
			}
		).insert(ignore_permissions=True)
	assert frappe.db.count(rewards.REWARD, {"program": program.name}) == 2


NO_ENERGY_POINTS = "Energy Points are not installed on this site (Frappe v16 without the eps app)"


def _energy_points_installed() -> bool:
	return bool(rewards.energy_points_module("Energy Point Log"))


def _energy_points(enabled: int):
	settings = frappe.get_single("Energy Point Settings")
	settings.enabled = enabled
	settings.save(ignore_permissions=True)


def _logs(reward_name):
	if not _energy_points_installed():
		return []
	return frappe.get_all(
		"Energy Point Log",
		filters={"reference_doctype": rewards.REWARD, "reference_name": str(reward_name)},
		fields=["user", "points"],
	)


def _user_logs(user, reward_name) -> int:
	"""The Energy Point Logs of ``user`` that name the reward as their reference."""
	return frappe.db.count(
		"Energy Point Log",
		{"user": user, "reference_doctype": rewards.REWARD, "reference_name": str(reward_name)},
	)


def test_approval_awards_energy_points_exactly_once_rejection_none(monkeypatch):
	if not _energy_points_installed():
		pytest.skip(NO_ENERGY_POINTS)
	_energy_points(1)
	program, star, good, _low = _rewarded_program()
	rewards.close_period(program.name, date(2026, 4, 1))
	star_reward = frappe.get_doc(rewards.REWARD, {"program": program.name, "user": star})
	good_reward = frappe.get_doc(rewards.REWARD, {"program": program.name, "user": good})
	star_reward.run_method("onload")
	assert not star_reward.get_onload().get("no_energy_points")

	manager = make_user("CRM Manager")
	frappe.set_user(manager)
	star_reward.approve()
	star_reward.reload()
	assert star_reward.status == "Approved" and star_reward.decided_by == manager
	assert star_reward.energy_point_log and not star_reward.energy_points_note
	assert [(log.user, log.points) for log in _logs(star_reward.name)] == [(star, 20)]

	# approving again, or saving an approved reward, gives nothing more
	star_reward.approve()
	frappe.get_doc(rewards.REWARD, star_reward.name).save()
	rewards.award_energy_points(frappe.get_doc(rewards.REWARD, star_reward.name))
	assert len(_logs(star_reward.name)) == 1
	assert _user_logs(star, star_reward.name) == 1
	# nor does the job, run again after the approval (also past the closed marker)
	frappe.set_user("Administrator")
	monkeypatch.setattr(frappe.db, "commit", lambda *a, **k: None)  # the job commits; the test rolls back
	rewards.daily(date(2026, 4, 2))
	frappe.db.set_value("CRM Adoption Program", program.name, "last_closed_period", None)
	assert rewards.close_period(program.name, date(2026, 4, 3)) == []
	assert _user_logs(star, star_reward.name) == 1
	assert (
		frappe.db.get_value(rewards.REWARD, star_reward.name, "energy_point_log")
		== star_reward.energy_point_log
	)
	frappe.set_user(manager)

	good_reward.reject(note="not this time")
	assert frappe.db.get_value(rewards.REWARD, good_reward.name, "status") == "Rejected"
	assert _logs(good_reward.name) == []
	# what was proposed cannot be raised by hand
	good_reward.reload()
	good_reward.energy_points = 1000
	with pytest.raises(frappe.ValidationError, match="Energy Points"):
		good_reward.save()
	# decided is final
	good_reward.reload()
	good_reward.status = "Approved"
	with pytest.raises(frappe.ValidationError):
		good_reward.save()
	assert _logs(good_reward.name) == []


def test_without_energy_points_the_reward_is_approved_and_its_form_says_why():
	"""Energy Points switched off, or not installed at all (Frappe v16 without the eps app): the reward is
	approved without points, and its form says why, before the decision and after it."""
	if _energy_points_installed():
		_energy_points(0)
		why = "switched off in Energy Point Settings"
	else:
		why = "not installed on this site"
	program, star, _good, _low = _rewarded_program()
	rewards.close_period(program.name, date(2026, 4, 1))
	reward = frappe.get_doc(rewards.REWARD, {"program": program.name, "user": star})
	reward.run_method("onload")
	assert why in reward.get_onload().get("no_energy_points")

	reward.approve()
	reward.reload()
	assert reward.status == "Approved" and not reward.energy_point_log
	assert why in reward.energy_points_note
	assert _logs(reward.name) == []


def test_only_crm_managers_decide_and_users_cannot_edit_scores_or_rewards():
	if _energy_points_installed():
		_energy_points(1)
	program, star, _good, _low = _rewarded_program()
	scores.compute(program.name, MARCH)
	rewards.close_period(program.name, date(2026, 4, 1))
	reward_name = frappe.db.get_value(rewards.REWARD, {"program": program.name, "user": star})
	score_name = frappe.db.get_value("CRM Adoption Score", {"program": program.name, "user": star})

	# a System Manager may write the doctype but is no CRM Manager: the controller refuses
	admin_like = make_user("System Manager")
	frappe.set_user(admin_like)
	reward = frappe.get_doc(rewards.REWARD, reward_name)
	with pytest.raises(frappe.PermissionError):
		reward.approve()
	reward.reload()
	reward.status = "Approved"
	with pytest.raises(frappe.PermissionError):
		reward.save()

	# the rewarded user himself: reads the board, changes nothing
	frappe.set_user(star)
	rows = frappe.get_attr(
		"crm_plus.adoption.report.crm_adoption_leaderboard.crm_adoption_leaderboard.execute"
	)({"program": program.name, "date": MARCH})
	assert [r["user"] for r in rows[1]][:2] == [star, _good] and rows[3]["data"]["labels"]
	from frappe.desk.query_report import run

	assert run("CRM Adoption Leaderboard", filters={"program": program.name, "date": str(MARCH)})["result"]
	assert frappe.has_permission("CRM Adoption Score", "read", score_name)
	assert not frappe.has_permission("CRM Adoption Score", "write", score_name)
	assert not frappe.has_permission(rewards.REWARD, "write", reward_name)
	with pytest.raises(frappe.PermissionError):
		doc = frappe.get_doc("CRM Adoption Score", score_name)
		doc.score = 100
		doc.save()
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc(rewards.REWARD, reward_name).approve()
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("CRM Adoption Program", program.name).recompute()
	assert frappe.db.get_value(rewards.REWARD, reward_name, "status") == "Proposed"
	assert not _logs(reward_name)


def _leaderboard_config() -> dict | None:
	"""The boards of the Leaderboard page, which is Frappe's up to v15 and the eps app's from v16 on; None
	where the page is absent."""
	from frappe.modules import scrub
	from frappe.modules.utils import get_module_app

	module = frappe.db.get_value("Page", "leaderboard", "module")
	if not module:
		return None
	path = f"{get_module_app(module)}.{scrub(module)}.page.leaderboard.leaderboard.get_leaderboard_config"
	return frappe.get_attr(path)()


def test_adoption_leaderboard_averages_the_periods_in_range():
	program, star, good, low = _rewarded_program()
	scores.compute(program.name, MARCH)
	frappe.set_user(low)
	rows = leaderboard.get_adoption_leaderboard(date_range=["2026-03-01", "2026-03-31"])
	values = {_profile_of(r["formatted_name"]): r["value"] for r in rows}
	assert {user: values.get(user) for user in (star, good, low)} == {star: 100, good: 50, low: 0}


def _profile_of(formatted_name: str) -> str:
	"""The user whose profile a board row links to (the link's last path segment, which is quoted)."""
	href = html.unescape(re.search(r'href="([^"]+)"', formatted_name).group(1))
	prefix, user = href.rsplit("/", 1)
	assert prefix.endswith("/user-profile"), href
	return unquote(user)


def test_leaderboard_page_lists_the_board():
	config = _leaderboard_config()
	if config is None:
		pytest.skip("Frappe's Leaderboard page is not installed (Frappe v16 without the eps app)")
	assert "CRM Adoption Score" in config
	assert config["CRM Adoption Score"]["method"] == "crm_plus.adoption.leaderboard.get_adoption_leaderboard"


def test_program_refuses_bad_settings():
	user = make_user("CRM User")
	with pytest.raises(frappe.ValidationError, match="Target"):
		make_program([user], [("manual_touchpoints", 1, 0)])
	with pytest.raises(frappe.ValidationError, match="not a known metric"):
		make_program([user], [("no_such_metric", 1, 1)])
	with pytest.raises(frappe.ValidationError, match="Score Threshold"):
		make_program([user], [("manual_touchpoints", 1, 1)], tiers=[(150, "x", 0)])
	with pytest.raises(frappe.ValidationError, match="Roles"):
		make_program([], [("manual_touchpoints", 1, 1)])
