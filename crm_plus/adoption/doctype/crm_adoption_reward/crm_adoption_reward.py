# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from crm_plus.adoption import rewards

FIXED_FIELDS = ("program", "user", "period_start", "period_end", "score", "reward", "energy_points")


class CRMAdoptionReward(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		energy_point_log: DF.Link | None
		energy_points: DF.Int
		energy_points_note: DF.SmallText | None
		full_name: DF.Data | None
		name: DF.Int | None
		note: DF.SmallText | None
		period_end: DF.Date | None
		period_start: DF.Date | None
		program: DF.Link | None
		reward: DF.Data | None
		score: DF.Float
		status: DF.Literal["Proposed", "Approved", "Rejected"]
		user: DF.Link | None
	# end: auto-generated types

	def onload(self):
		# the form says, before the decision, when approving gives no energy points here
		if self.status == rewards.PROPOSED and int(self.energy_points or 0):
			self.set_onload("no_energy_points", rewards.why_no_energy_points())

	def validate(self):
		self.validate_fixed_fields()
		self.validate_decision()

	def validate_fixed_fields(self):
		"""What was proposed stays as proposed: only the decision and its note change."""
		if self.is_new():
			return
		for field in FIXED_FIELDS:
			if self.has_value_changed(field):
				frappe.throw(
					_("{0} of a proposed reward cannot be changed.").format(_(self.meta.get_label(field)))
				)

	def on_update(self):
		if self.status == rewards.APPROVED:
			rewards.award_energy_points(self)

	def validate_decision(self):
		"""Only a CRM Manager decides, once: Proposed becomes Approved or Rejected and stays so."""
		before = self.get_doc_before_save()
		old = before.status if before else None
		if self.is_new():
			if self.status != rewards.PROPOSED:
				frappe.throw(_("{0}: a new reward is always Proposed.").format(_("Status")))
			return
		if self.status == old:
			return
		if old != rewards.PROPOSED:
			frappe.throw(_("{0}: this reward was already {1} and cannot change.").format(_("Status"), _(old)))
		rewards.check_approver()
		self.decided_by = frappe.session.user
		self.decided_on = now_datetime()

	@frappe.whitelist(methods=["POST"])
	def approve(self, note: str | None = None):
		self.decide(rewards.APPROVED, note)

	@frappe.whitelist(methods=["POST"])
	def reject(self, note: str | None = None):
		self.decide(rewards.REJECTED, note)

	def decide(self, status: str, note: str | None = None):
		rewards.check_approver()
		if self.status == status:
			return  # approving twice does nothing (the points were given the first time)
		self.status = status
		if note:
			self.note = note
		self.save()


def on_doctype_update():
	# one reward per program, user and period, whoever proposes it and however often
	frappe.db.add_unique(
		"CRM Adoption Reward", ["program", "user", "period_start"], constraint_name="unique_adoption_reward"
	)
