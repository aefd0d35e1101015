"""The adoption leaderboard, shared with every desk user: the script report and Frappe's Leaderboard page
(``leaderboards`` hook) read the stored scores, one indexed query each."""

import frappe
from frappe import _
from frappe.query_builder.functions import Avg
from frappe.utils import escape_html, getdate, today

from crm_plus.adoption import periods
from crm_plus.compat import desk_path

SCORE = "CRM Adoption Score"


def get_leaderboards() -> dict:
	"""The ``leaderboards`` hook: the adoption board beside ERPNext's on the Leaderboard page."""
	return {
		SCORE: {
			"fields": ["score"],
			"method": "crm_plus.adoption.leaderboard.get_adoption_leaderboard",
			"company_disabled": 1,
			"icon": "users",
		}
	}


@frappe.whitelist()
def get_adoption_leaderboard(
	date_range: str | list | None = None,
	company: str | None = None,
	field: str | None = None,
	limit: int | None = None,
) -> list[dict]:
	"""Every user's average adoption score over the enabled programs' periods that start in the range
	(without a range: the periods holding today)."""
	frappe.has_permission(SCORE, "read", throw=True)
	score, program = frappe.qb.DocType(SCORE), frappe.qb.DocType("CRM Adoption Program")
	query = (
		frappe.qb.from_(score)
		.join(program)
		.on(program.name == score.program)
		.select(score.user, score.full_name, Avg(score.score).as_("value"))
		.where(program.enabled == 1)
		.groupby(score.user, score.full_name)
		.orderby(Avg(score.score), order=frappe.qb.desc)
	)
	bounds = frappe.parse_json(date_range) if date_range else None
	if bounds:
		query = query.where(score.period_start.between(getdate(bounds[0]), getdate(bounds[1])))
	else:
		day = getdate(today())
		query = query.where((score.period_start <= day) & (score.period_end >= day))
	if limit:
		query = query.limit(int(limit))
	return [
		{
			"name": row.full_name or row.user,
			"value": round(float(row.value or 0), 2),
			"formatted_name": '<a href="{0}">{1}</a>'.format(
				escape_html(desk_path("user-profile", row.user)), escape_html(row.full_name or row.user)
			),
		}
		for row in query.run(as_dict=True)
	]


def board(program: str, period_start) -> list[dict]:
	"""The program-period's scores, best first, each with its contributions by metric key."""
	score, detail = frappe.qb.DocType(SCORE), frappe.qb.DocType("CRM Adoption Score Metric")
	rows = (
		frappe.qb.from_(score)
		.select(score.name, score.user, score.full_name, score.score, score.reward, score.computed_on)
		.where((score.program == program) & (score.period_start == getdate(period_start)))
		.orderby(score.score, order=frappe.qb.desc)
		.orderby(score.full_name)
		.run(as_dict=True)
	)
	if not rows:
		return []
	parts = (
		frappe.qb.from_(detail)
		.select(detail.parent, detail.metric, detail.value, detail.points)
		.where((detail.parenttype == SCORE) & detail.parent.isin([r.name for r in rows]))
		.run(as_dict=True)
	)
	by_score = {}
	for part in parts:
		by_score.setdefault(part.parent, {})[part.metric] = part
	rank, previous = 0, None
	for i, row in enumerate(rows, start=1):
		if row.score != previous:
			rank, previous = i, row.score
		row.rank = rank
		row.parts = by_score.get(row.name, {})
	return rows


def current_period_start(program: str, day=None):
	frequency = frappe.db.get_value("CRM Adoption Program", program, "period")
	if not frequency:
		frappe.throw(_("{0}: {1} does not exist.").format(_("Program"), program))
	return periods.period_of(getdate(day or today()), frequency)[0]
