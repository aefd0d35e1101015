# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

POSITIVE_INT_FIELDS = ("nurturing_days", "churn_days", "timeline_limit", "lifecycle_chunk_size")


class CRMPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		backfill_status: DF.Data | None
		churn_days: DF.Int
		enable_touchpoints: DF.Check
		health_at_risk_below: DF.Int
		health_healthy_from: DF.Int
		health_trend_days: DF.Int
		insights_status: DF.Data | None
		last_backfill_on: DF.Datetime | None
		last_insights_on: DF.Datetime | None
		last_reconciled_on: DF.Datetime | None
		lifecycle_chunk_size: DF.Int
		nurturing_days: DF.Int
		overdue_touchpoints: DF.Check
		pause_lifecycle_rules: DF.Check
		timeline_limit: DF.Int
		weight_engagement: DF.Int
		weight_frequency: DF.Int
		weight_payment: DF.Int
		weight_recency: DF.Int
		weight_satisfaction: DF.Int
	# end: auto-generated types

	def validate(self):
		for field in POSITIVE_INT_FIELDS:
			if self.get(field) is not None and int(self.get(field)) <= 0:
				frappe.throw(
					_("{0} must be greater than zero.").format(_(self.meta.get_label(field))),
					title=_("Invalid Setting"),
				)
		self.validate_health_settings()
		if self.nurturing_days and self.churn_days and self.churn_days <= self.nurturing_days:
			frappe.throw(
				_("{0} must be longer than {1}.").format(
					_(self.meta.get_label("churn_days")), _(self.meta.get_label("nurturing_days"))
				),
				title=_("Invalid Setting"),
			)

	def validate_health_settings(self):
		"""Health weights are shares (not negative, not all zero); the label thresholds lie within 0-100."""
		from crm_plus.insights.health import WEIGHT_FIELDS

		for field in WEIGHT_FIELDS.values():
			if (self.get(field) or 0) < 0:
				frappe.throw(
					_("{0} cannot be negative.").format(_(self.meta.get_label(field))),
					title=_("Invalid Setting"),
				)
		if self.meta.get_field("weight_recency") and not sum(
			self.get(f) or 0 for f in WEIGHT_FIELDS.values()
		):
			frappe.throw(
				_("At least one health weight must be greater than zero."), title=_("Invalid Setting")
			)
		low, high = self.health_at_risk_below, self.health_healthy_from
		if low is not None and high is not None and not (0 <= low < high <= 100):
			frappe.throw(
				_("{0} must be below {1}, both between 0 and 100.").format(
					_(self.meta.get_label("health_at_risk_below")),
					_(self.meta.get_label("health_healthy_from")),
				),
				title=_("Invalid Setting"),
			)
		if self.health_trend_days is not None and self.health_trend_days <= 0:
			frappe.throw(
				_("{0} must be greater than zero.").format(_(self.meta.get_label("health_trend_days"))),
				title=_("Invalid Setting"),
			)
