"""Adoption scores: every participant's metrics for one period of a program, computed set-wise.

Each metric is one query per time zone among the participants (usually one), never one per user. The
scores of a program-period are then replaced as a whole, delete and bulk insert in one short transaction
on crm_plus's own tables, so a recompute is idempotent and the unique key (program, user, period_start)
always holds.
"""

from collections import defaultdict
from datetime import date

import frappe
from frappe.utils import get_system_timezone, getdate, now_datetime

from crm_plus.adoption import metrics, periods, scoring

SCORE, DETAIL = "CRM Adoption Score", "CRM Adoption Score Metric"
EXCLUDED_USERS = ("Administrator", "Guest")


def settings_of(program) -> list[scoring.MetricSetting]:
	return [
		scoring.MetricSetting(row.metric, float(row.weight or 0), float(row.target or 0))
		for row in program.metrics
	]


def tiers_of(program) -> list[scoring.Tier]:
	return [
		scoring.Tier(float(row.threshold or 0), row.reward, int(row.energy_points or 0))
		for row in program.tiers
	]


def participants(program) -> dict[str, str]:
	"""``{user: time zone}`` of the program's enabled desk users (by role or named), in one query."""
	roles = [row.role for row in program.roles]
	named = [row.user for row in program.users]
	if not roles and not named:
		return {}
	user, has_role = frappe.qb.DocType("User"), frappe.qb.DocType("Has Role")
	chosen = user.name.isin(named) if named else None
	if roles:
		with_role = (
			frappe.qb.from_(has_role)
			.select(has_role.parent)
			.where((has_role.parenttype == "User") & has_role.role.isin(roles))
		)
		by_role = user.name.isin(with_role)
		chosen = by_role if chosen is None else chosen | by_role
	rows = (
		frappe.qb.from_(user)
		.select(user.name, user.time_zone)
		.where(
			(user.enabled == 1)
			& (user.user_type == "System User")
			& user.name.notin(list(EXCLUDED_USERS))
			& chosen
		)
		.run()
	)
	system_tz = get_system_timezone()
	return {name: tz or system_tz for name, tz in rows}


def values_for(program, users: dict[str, str], start: date, end: date) -> dict[str, dict[str, float]]:
	"""``{user: {metric: value}}`` for the period [start, end] in each user's local days."""
	system_tz = get_system_timezone()
	by_zone = defaultdict(list)
	for user, tz in users.items():
		by_zone[tz].append(user)
	found = defaultdict(dict)
	for tz, members in by_zone.items():
		begin, finish = periods.local_bounds(start, end, tz, system_tz)
		offset = periods.day_offset_seconds(tz, system_tz, start)
		for setting in settings_of(program):
			for user, value in metrics.compute(setting.metric, members, begin, finish, offset).items():
				found[user][setting.metric] = value
	return found


def compute(program_name: str, day=None) -> int:
	"""Recompute the scores of the program's period holding ``day`` (default today); returns how many.

	Does not commit: the caller decides (the daily job commits after each program-period)."""
	program = frappe.get_doc("CRM Adoption Program", program_name)
	start, end = periods.period_of(getdate(day), program.period)
	users = participants(program)
	values = values_for(program, users, start, end)
	settings, tiers = settings_of(program), tiers_of(program)
	labels = {key: metric.label for key, metric in metrics.registry().items()}
	names = full_names(list(users))
	now = now_datetime()
	std = [now, now, "Administrator", "Administrator"]
	score_rows, detail_rows = [], []
	for user in sorted(users):
		parts = scoring.contributions(values.get(user, {}), settings)
		total = scoring.score(parts)
		tier = scoring.tier_for(total, tiers)
		name = frappe.generate_hash(length=12)
		full_name = names.get(user) or user
		score_rows.append(
			[name, *std, program.name, user, full_name, start, end, total, tier and tier.reward, now]
		)
		for idx, part in enumerate(parts, start=1):
			label = labels.get(part.metric, part.metric)
			figures = (part.value, part.target, part.weight, part.points)
			detail_rows.append([frappe.generate_hash(length=12), *std, name, SCORE, "contributions", idx])
			detail_rows[-1].extend([part.metric, label, *figures])
	replace(program.name, start, score_rows, detail_rows)
	return len(score_rows)


STD_FIELDS = ["name", "creation", "modified", "owner", "modified_by"]
SCORE_FIELDS = [*STD_FIELDS, "program", "user", "full_name", "period_start", "period_end", "score", "reward"]
SCORE_FIELDS.append("computed_on")
DETAIL_FIELDS = [*STD_FIELDS, "parent", "parenttype", "parentfield", "idx", "metric", "label", "value"]
DETAIL_FIELDS.extend(["target", "weight", "points"])


def replace(program: str, start: date, score_rows: list, detail_rows: list) -> None:
	"""Swap the program-period's scores for the new ones (crm_plus's own tables only)."""
	score, detail = frappe.qb.DocType(SCORE), frappe.qb.DocType(DETAIL)
	old = (
		frappe.qb.from_(score)
		.select(score.name)
		.where((score.program == program) & (score.period_start == start))
	)
	frappe.qb.from_(detail).delete().where((detail.parenttype == SCORE) & detail.parent.isin(old)).run()
	frappe.qb.from_(score).delete().where((score.program == program) & (score.period_start == start)).run()
	insert_rows(SCORE, SCORE_FIELDS, score_rows)
	insert_rows(DETAIL, DETAIL_FIELDS, detail_rows)


def insert_rows(doctype: str, fields: list[str], rows: list[list], chunk: int = 1000) -> None:
	"""Multi-row INSERTs with bound values (``frappe.db.bulk_insert`` renders every value through pypika,
	which takes longer than computing the scores)."""
	columns = ", ".join(f"`{field}`" for field in fields)
	one = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for first in range(0, len(rows), chunk):
		batch = rows[first : first + chunk]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values {', '.join([one] * len(batch))}",  # nosemgrep
			[value for row in batch for value in row],
		)


def full_names(users: list[str]) -> dict[str, str]:
	if not users:
		return {}
	return dict(
		frappe.get_all("User", filters={"name": ("in", users)}, fields=["name", "full_name"], as_list=True)
	)


def forget_user(doc, method=None):
	"""A deleted user's adoption scores go with them: they are figures computed from the user's work, and
	the next run of their program computes the leaderboard without them."""
	frappe.db.delete("CRM Adoption Score", {"user": doc.name})
