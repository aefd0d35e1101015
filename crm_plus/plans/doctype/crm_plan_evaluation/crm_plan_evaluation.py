# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.desk.form.assign_to import close_all_assignments
from frappe.model.document import Document
from frappe.utils import getdate

from crm_plus.access import can_read_money
from crm_plus.plans import explain


class CRMPlanEvaluation(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.plans.doctype.crm_plan_evaluation_goal.crm_plan_evaluation_goal import (
			CRMPlanEvaluationGoal,
		)

		adjustments: DF.TextEditor | None
		amended_from: DF.Link | None
		company: DF.Link | None
		draft_key: DF.Data | None
		evaluation_type: DF.Literal["Scheduled", "On Demand"]
		findings: DF.TextEditor | None
		goals: DF.Table[CRMPlanEvaluationGoal]
		manager: DF.Link | None
		period_from: DF.Date
		period_to: DF.Date
		plan: DF.Link
		plan_title: DF.Data | None
		scheduled_for: DF.Date | None
		weighted_score: DF.Percent
	# end: auto-generated types

	def onload(self):
		self.set_onload("explanations", self.goal_explanations())

	def goal_explanations(self) -> dict[str, str]:
		"""{goal row: how its achievement was calculated}, in the reader's language, amounts only for those
		who may read them (the form and the plan's print show these)."""
		return explain.evaluation_goals(self, can_read_money(self.doctype))

	def validate(self):
		if getdate(self.period_to) < getdate(self.period_from):
			frappe.throw(
				_("{0} cannot be before {1}.").format(_("Period To"), _("Period From")),
				title=_("Invalid Period"),
			)

	def on_submit(self):
		# the manager's review is done; the period may have a new draft now
		self.db_set("draft_key", None, update_modified=False)
		close_all_assignments(self.doctype, self.name, ignore_permissions=True)

	def on_cancel(self):
		self.db_set("draft_key", None, update_modified=False)


def on_doctype_update():
	# exactly one scheduled evaluation per plan and due date, enforced by the database: a job that runs
	# twice (or twice at once) cannot write a second one. On-demand evaluations leave scheduled_for empty.
	frappe.db.add_unique(
		"CRM Plan Evaluation", ["plan", "scheduled_for"], constraint_name="unique_plan_due_date"
	)
	frappe.db.add_index("CRM Plan Evaluation", ["plan", "period_to"])
	# one on-demand draft per plan and period: "Evaluate now" clicked twice (or twice at once) makes one
	frappe.db.add_unique("CRM Plan Evaluation", ["draft_key"], constraint_name="unique_on_demand_draft")
