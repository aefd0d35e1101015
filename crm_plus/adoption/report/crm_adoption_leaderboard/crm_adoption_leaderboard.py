# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

"""Who keeps the CRM alive: every participant's adoption score for one period of a program, with each
metric's points, shared with every desk user."""

import frappe
from frappe import _

from crm_plus.adoption import leaderboard, metrics
from crm_plus.charts import report_chart

CHART_USERS = 20


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.program:
		return get_columns([]), [], _("Choose an adoption program to see its leaderboard.")
	program = frappe.get_cached_doc("CRM Adoption Program", filters.program)
	period_start = leaderboard.current_period_start(program.name, filters.date)
	keys = [row.metric for row in program.metrics]
	data = get_data(program.name, period_start, keys)
	return get_columns(keys), data, None, get_chart(data)


def get_columns(keys: list[str]) -> list[dict]:
	columns = [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "full_name", "label": _("Full Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "score", "label": _("Score"), "fieldtype": "Float", "precision": 1, "width": 90},
		{"fieldname": "reward", "label": _("Reward Tier"), "fieldtype": "Data", "width": 160},
	]
	for key in keys:
		metric = metrics.get_metric(key)
		label = _(metric.label) if metric else key
		columns.append(
			{
				"fieldname": f"{key}_value",
				"label": _("{0} (count)").format(label),
				"fieldtype": "Float",
				"precision": 0,
				"width": 120,
			}
		)
		columns.append(
			{
				"fieldname": f"{key}_points",
				"label": _("{0} (points)").format(label),
				"fieldtype": "Float",
				"precision": 1,
				"width": 120,
			}
		)
	return columns


def get_data(program: str, period_start, keys: list[str]) -> list[dict]:
	data = []
	for row in leaderboard.board(program, period_start):
		line = {
			"rank": row.rank,
			"user": row.user,
			"full_name": row.full_name,
			"score": row.score,
			"reward": row.reward,
		}
		for key in keys:
			part = row.parts.get(key)
			line[f"{key}_value"] = part.value if part else 0
			line[f"{key}_points"] = part.points if part else 0
		data.append(line)
	return data


def get_chart(data: list[dict]) -> dict | None:
	top = data[:CHART_USERS]
	if not top:
		return None
	return report_chart(
		{
			"labels": [row["full_name"] or row["user"] for row in top],
			"datasets": [{"name": _("Score"), "values": [row["score"] for row in top]}],
		},
		"bar",
		colors=["#5e64ff"],
	)
