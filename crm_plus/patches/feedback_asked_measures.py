"""Feedback Responses written before a measure the survey did not ask was kept apart from a 0: record which
measures each response asked (Rating, Customer Effort) and its satisfaction (``feedback/scoring.py``), from
its own answers."""

import frappe
from frappe.query_builder import DocType

from crm_plus.feedback import scoring


def execute():
	if not frappe.db.has_column("Feedback Response", "satisfaction"):
		return
	answer = DocType("Feedback Answer")
	rows = (
		frappe.qb.from_(answer)
		.select(answer.parent, answer.question_type, answer.value)
		.where((answer.parenttype == "Feedback Response") & answer.value.isnotnull())
		.where(answer.question_type.isin(list(scoring.RANGES)))
		.orderby(answer.parent)
		.orderby(answer.idx)
	).run(as_dict=True)
	by_response: dict[str, dict[str, list[float]]] = {}
	for row in rows:
		by_response.setdefault(row.parent, {}).setdefault(row.question_type, []).append(float(row.value))
	updates = {}
	for name, kinds in by_response.items():
		ratings, efforts = kinds.get(scoring.RATING, []), kinds.get(scoring.EFFORT, [])
		nps = kinds.get(scoring.NPS, [])
		updates[name] = {
			"has_csat": int(bool(ratings)),
			"has_effort": int(bool(efforts)),
			"satisfaction": scoring.satisfaction(ratings, nps[0] if nps else None, efforts) or 0,
		}
	if updates:
		frappe.db.bulk_update("Feedback Response", updates, update_modified=False)
