# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.lifecycle.conditions import get_condition, registry
from crm_plus.lifecycle.conditions.base import (
	MISSING,
	NEGATIVE,
	NOT_A_NUMBER,
	NOT_WHOLE,
	TOO_LARGE,
	TOO_SMALL,
)

ASSIGN_TODO, SEND_EMAIL, SET_STAGE, LOG_ONLY = "Assign ToDo", "Send Email", "Set Stage", "Log Only"
SEND_SURVEY = "Send Survey"


class LifecycleRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.lifecycle.doctype.lifecycle_rule_parameter.lifecycle_rule_parameter import (
			LifecycleRuleParameter,
		)
		from crm_plus.lifecycle.doctype.lifecycle_rule_stage.lifecycle_rule_stage import LifecycleRuleStage

		action: DF.Literal["Assign ToDo", "Send Email", "Send Survey", "Set Stage", "Log Only"]
		company: DF.Link | None
		condition: DF.Autocomplete
		cooldown_days: DF.Int
		customer_group: DF.Link | None
		description: DF.SmallText | None
		email_template: DF.Link | None
		email_to: DF.Literal["Responsible", "Customer"]
		enabled: DF.Check
		fallback_user: DF.Link | None
		feedback_survey: DF.Link | None
		min_lifetime_revenue: DF.Currency
		parameters: DF.Table[LifecycleRuleParameter]
		responsible: DF.Literal["", "Account Owner", "Stage Owner", "Role", "User"]
		responsible_role: DF.Link | None
		responsible_user: DF.Link | None
		stages: DF.Table[LifecycleRuleStage]
		target_stage: DF.Literal["At Risk", "Churned"]
		territory: DF.Link | None
		title: DF.Data
	# end: auto-generated types

	def validate(self):
		# no company is every company: the form sends an empty one (Frappe fills a missing one on insert
		# with the user's default company, which would restrict the rule without a word)
		self.company = self.company or None
		self.validate_condition()
		self.validate_parameters()
		self.validate_action()
		self.validate_responsible()
		self.validate_numbers()
		self.say_which_rules_overlap()

	@property
	def condition_def(self):
		return get_condition(self.condition)

	def parameter_values(self) -> dict:
		"""The parameters as the condition's query binds them."""
		return self.condition_def.clean({row.parameter: row.value for row in self.parameters})

	def needs_responsible(self) -> bool:
		return self.action == ASSIGN_TODO or (self.action == SEND_EMAIL and self.email_to != "Customer")

	def validate_condition(self):
		if not self.condition_def and self.condition:
			# a person may type the label they see (in English or their language): store its key
			typed = self.condition.strip().casefold()
			for key, condition in registry().items():
				if typed in (condition.label.casefold(), _(condition.label).casefold()):
					self.condition = key
					break
		if not self.condition_def:
			frappe.throw(
				_("{0}: {1} is not a known condition. Choose one of: {2}").format(
					_(self.meta.get_label("condition")),
					self.condition,
					", ".join(_(c.label) for c in registry().values()),
				),
				title=_("Invalid Condition"),
			)

	def validate_parameters(self):
		condition = self.condition_def
		label = _(self.meta.get_label("parameters"))
		seen = set()
		for row in self.parameters:
			if row.parameter in seen:
				frappe.throw(_("{0}: {1} is given twice.").format(label, row.parameter))
			seen.add(row.parameter)
			if parameter := condition.parameter(row.parameter):
				row.label = parameter.label
		for parameter in condition.parameters:
			# a rule saved without choosing the condition in the form gets the condition's defaults
			if parameter.name not in seen:
				self.append(
					"parameters",
					{"parameter": parameter.name, "label": parameter.label, "value": parameter.default},
				)
		values = {row.parameter: row.value for row in self.parameters}
		for parameter, problem in condition.problems(values):
			frappe.throw(self._parameter_message(label, parameter, problem), title=_("Invalid Parameter"))

	def _parameter_message(self, label, parameter, problem) -> str:
		if problem == "unknown":
			return _("{0}: {1} is not a parameter of the condition {2}.").format(
				label, parameter, _(self.condition_def.label)
			)
		name = _(parameter.label)
		messages = {
			MISSING: _("{0}: {1} is required.").format(label, name),
			NOT_A_NUMBER: _("{0}: {1} must be a number.").format(label, name),
			NEGATIVE: _("{0}: {1} cannot be negative.").format(label, name),
			NOT_WHOLE: _("{0}: {1} must be a whole number.").format(label, name),
			TOO_SMALL: _("{0}: {1} must be at least {2}.").format(label, name, parameter.minimum),
			TOO_LARGE: _("{0}: {1} must be at most {2}.").format(label, name, parameter.maximum),
		}
		return messages[problem]

	def validate_action(self):
		if self.action == SEND_EMAIL and not self.email_template:
			self._required("email_template")
		if self.action == SET_STAGE and not self.target_stage:
			self._required("target_stage")
		if self.action == SEND_SURVEY:
			if not self.feedback_survey:
				self._required("feedback_survey")
			if frappe.db.get_value("Feedback Survey", self.feedback_survey, "audience") != "Customer":
				frappe.throw(
					_("{0}: {1} is not a customer survey.").format(
						_(self.meta.get_label("feedback_survey")), self.feedback_survey
					)
				)

	def validate_responsible(self):
		if not self.needs_responsible():
			return
		if not self.responsible:
			self._required("responsible")
		if self.responsible == "Role" and not self.responsible_role:
			self._required("responsible_role")
		if self.responsible == "User" and not self.responsible_user:
			self._required("responsible_user")

	def say_which_rules_overlap(self):
		"""Tell the person enabling a rule which enabled rules already alert on the same condition: a
		customer both match gets one ToDo or e-mail per person, the later alert being merged into the open
		one (``actions.merge``), and the rule's stages say whether churned customers are touched."""
		if not self.enabled or self.action not in (ASSIGN_TODO, SEND_EMAIL):
			return
		if not (self.is_new() or any(self.has_value_changed(f) for f in ("enabled", "condition", "action"))):
			return
		others = frappe.get_all(
			"Lifecycle Rule",
			filters={
				"enabled": 1,
				"condition": self.condition,
				"action": ("in", [ASSIGN_TODO, SEND_EMAIL]),
				"name": ("!=", self.name or ""),
			},
			pluck="title",
			order_by="title",
		)
		if others:
			frappe.msgprint(
				_(
					"{0} also alert on the condition {1}. A customer matched by both is not alerted twice for the same fact: when an open alert of another rule already gave the same person a ToDo or e-mail, the new alert is merged into it (status Merged)."
				).format(", ".join(frappe.bold(t) for t in others), _(self.condition_def.label)),
				title=_("Rules on the Same Condition"),
				indicator="orange",
			)

	def _required(self, field: str):
		frappe.throw(
			_("{0} is required for the action {1}.").format(_(self.meta.get_label(field)), _(self.action)),
			title=_("Missing Value"),
		)

	def validate_numbers(self):
		if self.cooldown_days is None or int(self.cooldown_days) < 1:
			frappe.throw(
				_("{0} must be at least 1.").format(_(self.meta.get_label("cooldown_days"))),
				title=_("Invalid Value"),
			)
		if (self.min_lifetime_revenue or 0) < 0:
			frappe.throw(
				_("{0} cannot be negative.").format(_(self.meta.get_label("min_lifetime_revenue"))),
				title=_("Invalid Value"),
			)
