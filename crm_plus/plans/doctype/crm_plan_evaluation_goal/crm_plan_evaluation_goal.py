# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMPlanEvaluationGoal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		achievement: DF.Percent
		actual: DF.Float
		actual_amount: DF.Currency
		baseline: DF.Float
		baseline_amount: DF.Currency
		baseline_days: DF.Int
		baseline_measured: DF.Check
		beats_competitor: DF.Check
		competitor: DF.Link | None
		competitor_benchmark: DF.Float
		competitor_benchmark_amount: DF.Currency
		direction: DF.Literal["Raise", "Lower"]
		evaluated_days: DF.Int
		kpi: DF.Data | None
		measure_from: DF.Data | None
		no_data: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		plan_baseline: DF.Float
		plan_baseline_amount: DF.Currency
		plan_target: DF.Float
		plan_target_amount: DF.Currency
		target: DF.Float
		target_amount: DF.Currency
		target_days: DF.Int
		target_for: DF.Data | None
		unit: DF.Data | None
		weight: DF.Float
	# end: auto-generated types

	pass
