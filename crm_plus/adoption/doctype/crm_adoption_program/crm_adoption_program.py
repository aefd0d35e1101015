# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _, _lt
from frappe.model.document import Document

from crm_plus.adoption import metrics, scores, scoring

MESSAGES = {
	scoring.NO_METRICS: _lt("Add at least one metric."),
	scoring.UNKNOWN_METRIC: _lt("Row {0}: {1} is not a known metric."),
	scoring.DUPLICATE_METRIC: _lt("Row {0}: {1} is listed twice."),
	scoring.NEGATIVE_WEIGHT: _lt("Row {0}: {1} cannot be negative."),
	scoring.NO_WEIGHT: _lt("At least one metric needs a {1} above zero."),
	scoring.TARGET_NOT_POSITIVE: _lt("Row {0}: {1} must be greater than zero."),
	scoring.THRESHOLD_OUT_OF_RANGE: _lt("Reward tier row {0}: {1} must be between 1 and 100."),
	scoring.DUPLICATE_THRESHOLD: _lt("Reward tier row {0}: {1} is used by another tier."),
	scoring.NEGATIVE_POINTS: _lt("Reward tier row {0}: {1} cannot be negative."),
}


class CRMAdoptionProgram(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.adoption.doctype.crm_adoption_program_metric.crm_adoption_program_metric import (
			CRMAdoptionProgramMetric,
		)
		from crm_plus.adoption.doctype.crm_adoption_program_role.crm_adoption_program_role import (
			CRMAdoptionProgramRole,
		)
		from crm_plus.adoption.doctype.crm_adoption_program_tier.crm_adoption_program_tier import (
			CRMAdoptionProgramTier,
		)
		from crm_plus.adoption.doctype.crm_adoption_program_user.crm_adoption_program_user import (
			CRMAdoptionProgramUser,
		)

		description: DF.SmallText | None
		enabled: DF.Check
		last_closed_period: DF.Date | None
		metrics: DF.Table[CRMAdoptionProgramMetric]
		period: DF.Literal["Monthly", "Quarterly"]
		roles: DF.TableMultiSelect[CRMAdoptionProgramRole]
		start_date: DF.Date
		tiers: DF.Table[CRMAdoptionProgramTier]
		title: DF.Data
		users: DF.TableMultiSelect[CRMAdoptionProgramUser]
	# end: auto-generated types

	def validate(self):
		self.validate_participants()
		self.validate_metrics_and_tiers()

	def validate_participants(self):
		if not self.roles and not self.users:
			frappe.throw(
				_("{0} or {1}: name at least one role or user who takes part.").format(_("Roles"), _("Users"))
			)

	def validate_metrics_and_tiers(self):
		found = scoring.problems(scores.settings_of(self), scores.tiers_of(self), set(metrics.registry()))
		if not found:
			return
		index, field, problem = found[0]
		table = "tiers" if field in ("threshold", "energy_points") else "metrics"
		meta = frappe.get_meta(
			"CRM Adoption Program Tier" if table == "tiers" else "CRM Adoption Program Metric"
		)
		label = _(meta.get_label(field)) if meta.has_field(field) else _(self.meta.get_label(field))
		if field == "metric" and index < len(self.metrics):
			label = "{0} {1}".format(_(meta.get_label(field)), self.metrics[index].metric)
		frappe.throw(str(MESSAGES[problem]).format(index + 1, label), title=_("Invalid Adoption Program"))

	@frappe.whitelist(methods=["POST"])
	def recompute(self, day: str | None = None) -> int:
		"""Recompute the scores of the period holding ``day`` (default today) now."""
		self.check_permission("write")
		return scores.compute(self.name, day)
