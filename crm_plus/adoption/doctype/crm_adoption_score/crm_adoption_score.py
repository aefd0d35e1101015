# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CRMAdoptionScore(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.adoption.doctype.crm_adoption_score_metric.crm_adoption_score_metric import (
			CRMAdoptionScoreMetric,
		)

		computed_on: DF.Datetime | None
		contributions: DF.Table[CRMAdoptionScoreMetric]
		full_name: DF.Data | None
		period_end: DF.Date | None
		period_start: DF.Date | None
		program: DF.Link | None
		reward: DF.Data | None
		score: DF.Float
		user: DF.Link | None
	# end: auto-generated types

	pass


def on_doctype_update():
	# one score per program, user and period: a recompute replaces, never adds
	frappe.db.add_unique(
		"CRM Adoption Score", ["program", "user", "period_start"], constraint_name="unique_adoption_score"
	)
	# the leaderboard: one program-period ordered by score
	frappe.db.add_index("CRM Adoption Score", ["program", "period_start", "score"])
