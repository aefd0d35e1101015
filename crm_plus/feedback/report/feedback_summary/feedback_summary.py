# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

"""Feedback Summary: responses, CSAT, NPS and effort per week or month with a chart, or the distribution
of the answers to every question. Only the responses the user may read count (``get_list``)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, get_first_day, get_first_day_of_week, getdate

from crm_plus.charts import report_chart
from crm_plus.feedback import scoring

OVER_TIME, PER_QUESTION = "Over Time", "Per Question"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	responses = get_responses(filters)
	answers = get_answers([r.name for r in responses])
	if filters.view == PER_QUESTION:
		return question_columns(), question_data(answers)
	data = period_data(responses, answers, filters.periodicity or "Monthly")
	return period_columns(), data, None, chart(data)


def get_responses(filters) -> list[dict]:
	if not filters.from_date or not filters.to_date:
		frappe.throw(_("{0} and {1} are required.").format(_("From Date"), _("To Date")))
	conditions = {
		"submitted_on": ("between", [getdate(filters.from_date), add_days(getdate(filters.to_date), 1)]),
	}
	if filters.survey:
		conditions["survey"] = filters.survey
	customer_filters = {}
	if filters.customer_group:
		customer_filters["customer_group"] = ("descendants of (inclusive)", filters.customer_group)
	if filters.territory:
		customer_filters["territory"] = ("descendants of (inclusive)", filters.territory)
	if customer_filters:
		conditions["customer"] = (
			"in",
			frappe.get_all("Customer", filters=customer_filters, pluck="name") or [""],
		)
	return frappe.get_list(
		"Feedback Response",
		filters=conditions,
		fields=["name", "submitted_on", "survey"],
		order_by="submitted_on asc",
		limit_page_length=0,
	)


def get_answers(responses: list) -> list[dict]:
	if not responses:
		return []
	return frappe.get_all(
		"Feedback Answer",
		filters={"parenttype": "Feedback Response", "parent": ("in", [str(r) for r in responses])},
		fields=["parent", "question", "question_text", "question_type", "answer", "value"],
		order_by="parent asc, idx asc",
	)


def _period(day, periodicity: str):
	day = getdate(day)
	return get_first_day_of_week(day) if periodicity == "Weekly" else get_first_day(day)


def period_data(responses, answers, periodicity: str) -> list[dict]:
	period_of = {str(r.name): _period(r.submitted_on, periodicity) for r in responses}
	counts = defaultdict(int)
	for r in responses:
		counts[period_of[str(r.name)]] += 1
	values = defaultdict(lambda: defaultdict(list))
	for a in answers:
		if a.value is not None and a.question_type in scoring.RANGES:
			values[period_of[str(a.parent)]][a.question_type].append(a.value)
	rows = []
	for period in sorted(counts):
		by_kind = values[period]
		rows.append(
			{
				"period": period,
				"responses": counts[period],
				"csat": scoring.csat(by_kind[scoring.RATING]),
				"nps": scoring.nps(by_kind[scoring.NPS]),
				"effort": scoring.effort(by_kind[scoring.EFFORT]),
			}
		)
	return rows


def question_data(answers) -> list[dict]:
	counts = defaultdict(int)
	meta = {}
	for a in answers:
		meta[a.question] = (a.question_text, a.question_type)
		choices = (a.answer or "").splitlines() if a.question_type == scoring.MULTIPLE else [a.answer]
		for choice in choices:
			counts[(a.question, choice)] += 1
	answered = defaultdict(int)
	for a in answers:
		answered[a.question] += 1
	rows = []
	for (question, choice), count in sorted(
		counts.items(), key=lambda item: (meta[item[0][0]][0], item[0][1])
	):
		text, kind = meta[question]
		rows.append(
			{
				"question": text,
				"question_type": _(kind),
				"answer": choice if kind != scoring.TEXT else (choice or "")[:140],
				"count": count,
				"share": 100.0 * count / answered[question],
			}
		)
	return rows


def period_columns() -> list[dict]:
	return [
		{"fieldname": "period", "label": _("Period"), "fieldtype": "Date", "width": 110},
		{"fieldname": "responses", "label": _("Responses"), "fieldtype": "Int", "width": 100},
		{"fieldname": "csat", "label": _("CSAT"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "nps", "label": _("NPS"), "fieldtype": "Float", "precision": 1, "width": 100},
		{
			"fieldname": "effort",
			"label": _("Customer Effort"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 130,
		},
	]


def question_columns() -> list[dict]:
	return [
		{"fieldname": "question", "label": _("Question"), "fieldtype": "Data", "width": 300},
		{"fieldname": "question_type", "label": _("Type"), "fieldtype": "Data", "width": 130},
		{"fieldname": "answer", "label": _("Answer"), "fieldtype": "Data", "width": 220},
		{"fieldname": "count", "label": _("Count"), "fieldtype": "Int", "width": 90},
		{"fieldname": "share", "label": _("Share"), "fieldtype": "Percent", "width": 100},
	]


def chart(data: list[dict]) -> dict | None:
	if not data:
		return None
	# frappe-charts cannot draw a line through a single point (its SVG path gets "undefined"): one period
	# is drawn as bars only
	line = "line" if len(data) > 1 else "bar"
	datasets = [{"name": _("Responses"), "chartType": "bar", "values": [row["responses"] for row in data]}]
	# a measure no survey of these periods asked is left out, not drawn as a line at 0
	for key, label in (("csat", _("CSAT")), ("nps", _("NPS")), ("effort", _("Customer Effort"))):
		if any(row[key] is not None for row in data):
			datasets.append({"name": label, "chartType": line, "values": [row[key] or 0 for row in data]})
	return report_chart(
		{
			"labels": [frappe.format(row["period"], {"fieldtype": "Date"}) for row in data],
			"datasets": datasets,
		},
		"axis-mixed",
		height=280,
	)
