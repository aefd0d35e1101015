# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CRMPlanGoal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		baseline: DF.Float
		baseline_amount: DF.Currency
		baseline_measured: DF.Check
		competitor: DF.Link | None
		competitor_benchmark: DF.Float
		competitor_benchmark_amount: DF.Currency
		direction: DF.Literal["Raise", "Lower"]
		kpi: DF.Autocomplete | None
		measure_from: DF.Literal["Progress from Baseline", "Actual against Target"]
		notes: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		target: DF.Float
		target_amount: DF.Currency
		target_for: DF.Literal["Each Evaluation Period", "Whole Plan"]
		unit: DF.Data | None
		weight: DF.Float
	# end: auto-generated types

	pass
