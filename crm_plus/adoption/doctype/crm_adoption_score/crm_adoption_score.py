# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CRMAdoptionScore(Document):
	# begin: auto-generated types
	# end: auto-generated types

	pass


def on_doctype_update():
	# one score per program, user and period: a recompute replaces, never adds
	frappe.db.add_unique(
		"CRM Adoption Score", ["program", "user", "period_start"], constraint_name="unique_adoption_score"
	)
	# the leaderboard: one program-period ordered by score
	frappe.db.add_index("CRM Adoption Score", ["program", "period_start", "score"])
