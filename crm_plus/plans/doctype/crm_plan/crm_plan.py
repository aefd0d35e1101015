# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate

from crm_plus.access import can_read_money
from crm_plus.competitors import notes as competitor_notes
from crm_plus.competitors import plans as competitor_plans
from crm_plus.plans import evaluation, formulas, kpis, money, schedule

DRAFT, ACTIVE, CLOSED = "Draft", "Active", "Closed"


class CRMPlan(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.plans.doctype.crm_plan_component.crm_plan_component import CRMPlanComponent
		from crm_plus.plans.doctype.crm_plan_customer_goal.crm_plan_customer_goal import CRMPlanCustomerGoal
		from crm_plus.plans.doctype.crm_plan_customer_group.crm_plan_customer_group import (
			CRMPlanCustomerGroup,
		)
		from crm_plus.plans.doctype.crm_plan_goal.crm_plan_goal import CRMPlanGoal
		from crm_plus.plans.doctype.crm_plan_stage_owner.crm_plan_stage_owner import CRMPlanStageOwner
		from crm_plus.plans.doctype.crm_plan_territory.crm_plan_territory import CRMPlanTerritory

		budget_amount: DF.Currency
		communication_strategy: DF.TextEditor | None
		company: DF.Link
		competitor_notes: DF.TextEditor | None
		components: DF.Table[CRMPlanComponent]
		currency: DF.Link | None
		customer_goals: DF.Table[CRMPlanCustomerGoal]
		customer_groups: DF.TableMultiSelect[CRMPlanCustomerGroup]
		evaluation_frequency: DF.Literal["Monthly", "Quarterly", "Half-yearly", "Yearly"]
		goals: DF.Table[CRMPlanGoal]
		last_evaluation: DF.Link | None
		manager: DF.Link
		next_evaluation_date: DF.Date | None
		period_from: DF.Date
		period_to: DF.Date
		retention_plan: DF.TextEditor | None
		rewards_notes: DF.TextEditor | None
		stage_owners: DF.Table[CRMPlanStageOwner]
		status: DF.Literal["Draft", "Active", "Closed"]
		territories: DF.TableMultiSelect[CRMPlanTerritory]
		time_budget_hours: DF.Float
		title: DF.Data
		training_notes: DF.TextEditor | None
	# end: auto-generated types

	def validate(self):
		self.validate_status()
		self.validate_period()
		self.validate_goals()
		competitor_plans.validate_goal_benchmarks(self)
		self.validate_stage_owners()
		self.set_currency()
		self.sync_schedule()

	@frappe.whitelist(methods=["POST"])
	def activate(self):
		"""Draft -> Active: capture every goal's baseline and schedule the first evaluation."""
		self.check_permission("write")
		self._expect(DRAFT)
		if not self.goals:
			frappe.throw(
				_("Add at least one row to {0} before activating the plan.").format(_("Company Goals"))
			)
		self.validate_goals()
		evaluation.capture_baselines(self)
		self._set_status(ACTIVE)
		if self.next_evaluation_date and getdate(self.next_evaluation_date) < getdate():
			# a plan activated after some of its periods ended: evaluate those now, in the background, so
			# its next evaluation date is the coming one (not, say, January for a plan activated in November)
			frappe.enqueue(
				"crm_plus.plans.evaluation.catch_up",
				queue="long",
				job_id=f"crm_plus:plan_catch_up:{self.name}",
				deduplicate=True,
				enqueue_after_commit=True,
				plan=self.name,
			)
			frappe.msgprint(
				_(
					"The periods of this plan that ended before today (from {0}) are being evaluated now; the next evaluation date follows."
				).format(frappe.format(self.next_evaluation_date, "Date")),
				alert=True,
			)

	@frappe.whitelist(methods=["POST"])
	def close(self):
		"""Active -> Closed: no further evaluations are scheduled."""
		self.check_permission("write")
		self._expect(ACTIVE)
		self.next_evaluation_date = None
		self._set_status(CLOSED)

	def _expect(self, status: str):
		# the stored status, not the one the client sent with the call (a closed plan stays closed)
		stored = self.status if self.is_new() else frappe.db.get_value(self.doctype, self.name, "status")
		if stored != status:
			frappe.throw(
				_("Only a {0} plan can do this; {1} is {2}.").format(_(status), self.name, _(stored))
			)

	def _set_status(self, status: str):
		self.status = status
		self.flags.status_change = True
		self.save()

	def validate_status(self):
		# the status moves only through activate() and close()
		changed = self.status != DRAFT if self.is_new() else self.has_value_changed("status")
		if changed and not self.flags.status_change:
			frappe.throw(
				_("{0} changes only through the Activate and Close actions.").format(_("Status")),
				title=_("Invalid Status"),
			)

	def validate_period(self):
		if self.period_from and self.period_to and getdate(self.period_to) < getdate(self.period_from):
			frappe.throw(
				_("{0} ({1}) cannot be before {2} ({3}).").format(
					_("Period To"),
					frappe.format(self.period_to, "Date"),
					_("Period From"),
					frappe.format(self.period_from, "Date"),
				),
				title=_("Invalid Period"),
			)

	def validate_goals(self):
		for goal in self.goals:
			if not goal.kpi:
				frappe.throw(
					_("{0}, row {1}: the {2} {3} needs a {4}. Choose one of: {5}.").format(
						_("Company Goals"),
						goal.idx,
						_("Target"),
						frappe.format(goal.target, "Float"),
						_("KPI"),
						_kpi_choices(),
					),
					title=_("Goal without KPI"),
				)
			registered = kpis.get_kpi(goal.kpi)
			if not registered:
				frappe.throw(
					_("{0}, row {1}: {2} is not a known {3}. Choose one of: {4}.").format(
						_("Company Goals"), goal.idx, goal.kpi, _("KPI"), _kpi_choices()
					),
					title=_("Unknown KPI"),
				)
			goal.unit = registered.unit
			money.place(self, goal, "Company Goals")
			if not registered.additive:
				goal.target_for = formulas.EACH_PERIOD  # a rate or a score holds for any span
			self.validate_goal_is_possible(goal, registered)
			if formulas.weight_error(goal.weight):
				frappe.throw(
					_("{0}, row {1}: {2} must be between 0 and 100, not {3}.").format(
						_("Company Goals"), goal.idx, _("Weight"), frappe.format(goal.weight, "Float")
					),
					title=_("Invalid Weight"),
				)

	def validate_goal_is_possible(self, goal, registered) -> None:
		"""Refuse a target the KPI can never reach, one any value meets, and (once the baseline is measured,
		for goals set or changed since) a Raise target not above the baseline or a Lower one not below it."""
		target = flt(money.get(goal, "target"))
		baseline = None
		if self.status != DRAFT and goal.baseline_measured and self._target_changed(goal):
			baseline = flt(money.get(goal, "baseline"))
			# the baseline covers one evaluation period: a target for the whole plan is compared by its share
			before_from, before_to = schedule.window_before(
				getdate(self.period_from), self.evaluation_frequency
			)
			baseline_days = (before_to - before_from).days + 1
			plan_days = (getdate(self.period_to) - getdate(self.period_from)).days + 1
			compared, _days = formulas.evaluation_target(
				target, registered.additive, goal.target_for, baseline_days, baseline_days, plan_days
			)
		else:
			compared = target
		problem = formulas.goal_problem(
			compared, goal.direction, registered.minimum, registered.maximum, baseline
		)
		if not problem:
			return
		figures = not money.is_money(goal) or can_read_money(self.doctype)
		show = lambda value: frappe.format(value, "Float") if figures else "…"  # noqa: E731
		row = (_("Company Goals"), goal.idx, _(goal.kpi))
		if problem == formulas.BELOW_MINIMUM:
			message = _("{0}, row {1}: {2} is never below {3}, so the target {4} cannot be reached.").format(
				*row, show(registered.minimum), show(target)
			)
		elif problem == formulas.ABOVE_MAXIMUM:
			message = _("{0}, row {1}: {2} is never above {3}, so the target {4} cannot be reached.").format(
				*row, show(registered.maximum), show(target)
			)
		elif problem == formulas.MET_BY_ANYTHING:
			message = _("{0}, row {1}: any value of {2} meets a {3} goal with the target {4}.").format(
				*row, _(goal.direction), show(target)
			)
		else:
			before_from, before_to = schedule.window_before(
				getdate(self.period_from), self.evaluation_frequency
			)
			message = (
				_(
					"{0}, row {1}: {2} was {3} over {4} to {5}, before the plan. A {6} goal needs a target above it; {7} asks for no progress."
				)
				if goal.direction == formulas.RAISE
				else _(
					"{0}, row {1}: {2} was {3} over {4} to {5}, before the plan. A {6} goal needs a target below it; {7} asks for no progress."
				)
			).format(
				*row,
				show(baseline),
				frappe.format(before_from, "Date"),
				frappe.format(before_to, "Date"),
				_(goal.direction),
				show(target),
			)
		frappe.throw(message, title=_("Impossible Goal"))

	def _target_changed(self, goal) -> bool:
		"""Whether the goal's target was set (activation) or changed since it was last saved."""
		if self.flags.status_change:
			return True
		before = self.get_doc_before_save()
		old = before and next((g for g in before.goals if g.name == goal.name), None)
		fields = ("target", "target_amount", "direction", "target_for", "kpi")
		return not old or any(old.get(f) != goal.get(f) for f in fields)

	def validate_stage_owners(self):
		users = {row.user for row in self.stage_owners if row.user}
		disabled = set(
			frappe.get_all("User", filters={"name": ("in", list(users)), "enabled": 0}, pluck="name")
			if users
			else []
		)
		seen = {}
		for row in self.stage_owners:
			if row.user in disabled:
				frappe.throw(
					_("{0}, row {1}: {2} {3} is disabled. Choose an enabled user for {4}.").format(
						_("Stage Owners"), row.idx, _("User"), row.user, _(row.lifecycle_stage)
					),
					title=_("Disabled Stage Owner"),
				)
			if row.lifecycle_stage in seen:
				frappe.throw(
					_("{0}, row {1}: {2} {3} already has an owner in row {4}.").format(
						_("Stage Owners"),
						row.idx,
						_("Lifecycle Stage"),
						_(row.lifecycle_stage),
						seen[row.lifecycle_stage],
					),
					title=_("Duplicate Stage Owner"),
				)
			seen[row.lifecycle_stage] = row.idx

	def set_currency(self):
		if not self.currency and self.company:
			self.currency = frappe.get_cached_value("Company", self.company, "default_currency")

	def sync_schedule(self):
		"""An Active plan always knows its next due date, also after its period or frequency changed."""
		if self.status != ACTIVE:
			return
		changed = self.has_value_changed("status") or any(
			self.has_value_changed(field) for field in ("period_from", "period_to", "evaluation_frequency")
		)
		if changed or not self.next_evaluation_date:
			self.next_evaluation_date = schedule.next_due(
				getdate(self.period_from),
				self.evaluation_frequency,
				after=evaluation.last_due_date(self.name),
				end=getdate(self.period_to),
			)

	def get_latest_evaluation(self):
		"""The newest evaluation that is not cancelled (the print format shows it)."""
		return evaluation.latest(self.name)

	def get_competitor_notes(self):
		"""The competitor notes linked to the plan that the reader may see (the print format lists them)."""
		return competitor_notes.for_plan(self.name)


def _kpi_choices() -> str:
	return ", ".join(_(name) for name in kpis.KPIS)
