# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import json

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from crm_plus import access, labels
from crm_plus.lifecycle import matched, stages
from crm_plus.lifecycle.actions import can_read_money, render_action
from crm_plus.lifecycle.conditions import get_condition

# every field but the status (and the times it stamps, the texts rendered for the reader) is the engine's
ENGINE_FIELDS = ("rule", "customer", "matched_on", "window_start", "facts", "matched_values", "condition")
ENGINE_FIELDS += ("action", "action_args", "action_message", "stage_set", "responsible_user", "todo")
ENGINE_FIELDS += ("email_queue", "run_token", "merged_into")


class LifecycleAlert(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Data | None
		action_args: DF.Code | None
		action_message: DF.Data | None
		action_taken: DF.SmallText | None
		condition: DF.Data | None
		customer: DF.Link
		email_queue: DF.Link | None
		explanation: DF.SmallText | None
		facts: DF.Code | None
		matched_on: DF.Datetime | None
		matched_values: DF.Code | None
		merged_into: DF.Link | None
		name: DF.Int | None
		resolved_on: DF.Datetime | None
		responsible_user: DF.Link | None
		rule: DF.Link
		run_token: DF.Data | None
		stage_set: DF.Literal["", "At Risk", "Churned"]
		status: DF.Literal["Open", "Resolved", "Merged"]
		todo: DF.Link | None
		window_start: DF.Date | None
	# end: auto-generated types

	def onload(self):
		"""The texts in the reader's language, the explanation with amounts only for who may read them."""
		self.explanation = self.render_explanation()
		if self.action_message:
			self.action_taken = render_action(self.action_message, json.loads(self.action_args or "[]"))

		condition = get_condition(self.condition)
		with_money = can_read_money(frappe.session.user)
		self.set_onload(
			"shown",
			{
				"condition": _(condition.label) if condition else self.condition,
				"values": matched.rows(condition, self.facts, self.matched_values if with_money else None),
			},
		)

	def render_explanation(self, with_money: bool | None = None) -> str:
		"""Why the rule matched, from the stored condition and values, in the current language."""
		condition = get_condition(self.condition)
		if not condition or not self.facts:
			return self.explanation
		if with_money is None:
			with_money = can_read_money(frappe.session.user)
		values = json.loads(self.facts or "{}")
		if with_money:
			values.update(json.loads(self.matched_values or "{}"))
		try:
			return _(condition.template(with_money)).format(**labels.translated(values))
		except (KeyError, IndexError, ValueError):
			return self.explanation

	def validate(self):
		# what the engine found stays as it found it: a user only resolves or reopens the alert
		access.check_unchanged(
			self, ENGINE_FIELDS, _("{0} of a lifecycle alert is set by its rule and cannot be changed.")
		)
		# the texts the form showed were rendered for its reader: what is stored stays as the engine wrote it
		if before := self.get_doc_before_save():
			self.explanation, self.action_taken = before.explanation, before.action_taken
		if self.status == "Merged" and not self.merged_into:
			# only the engine merges an alert into another rule's open alert on the same fact
			frappe.throw(
				_("{0} can be {1} only when the rule merged it into another alert.").format(
					_(self.meta.get_label("status")), _("Merged")
				)
			)
		if self.has_value_changed("status"):
			self.resolved_on = now_datetime() if self.status == "Resolved" else None

	def on_update(self):
		# a resolved flag no longer holds the customer's stage
		if self.stage_set and self.has_value_changed("status"):
			stages.update_stages([self.customer])


def on_doctype_update():
	# at most one alert per rule, customer and cooldown window, enforced by the database: two runs, or two
	# workers at once, can never write a second one
	frappe.db.add_unique(
		"Lifecycle Alert", ["rule", "customer", "window_start"], constraint_name="unique_rule_customer_window"
	)
	frappe.db.add_index("Lifecycle Alert", ["rule", "customer", "matched_on"])
	frappe.db.add_index("Lifecycle Alert", ["customer", "status"])
	frappe.db.add_index("Lifecycle Alert", ["run_token"])
	frappe.db.add_index("Lifecycle Alert", ["todo"])
