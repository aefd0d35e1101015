# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class FeedbackSurveyQuestion(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		options: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		question: DF.SmallText
		question_type: DF.Literal[
			"Rating", "NPS", "Customer Effort", "Single Choice", "Multiple Choice", "Yes/No", "Free Text"
		]
		required: DF.Check
	# end: auto-generated types
	pass
