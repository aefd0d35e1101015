# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.feedback import scoring


class FeedbackSurvey(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.feedback.doctype.feedback_survey_question.feedback_survey_question import (
			FeedbackSurveyQuestion,
		)

		active: DF.Check
		audience: DF.Literal["Customer", "Employee"]
		crm_plan: DF.Link | None
		delay_days: DF.Int
		email_template: DF.Link | None
		introduction: DF.SmallText | None
		link_valid_days: DF.Int
		min_days_between: DF.Int
		questions: DF.Table[FeedbackSurveyQuestion]
		title: DF.Data
		trigger: DF.Literal["", "Delivery Note", "Sales Invoice", "Issue"]
	# end: auto-generated types

	def validate(self):
		self.validate_questions()
		self.validate_trigger()
		self.validate_numbers()

	def questions_for_scoring(self) -> list[scoring.Question]:
		return [question_of(row) for row in self.questions]

	def validate_questions(self):
		label = _(self.meta.get_label("questions"))
		if not self.questions:
			frappe.throw(_("{0}: add at least one question.").format(label), title=_("Missing Value"))
		for row in self.questions:
			problem = scoring.question_problem(question_of(row))
			if problem == scoring.NO_OPTIONS:
				frappe.throw(
					_("{0}, row {1}: a {2} question needs options, one per line.").format(
						label, row.idx, _(row.question_type)
					)
				)
			if problem:
				frappe.throw(
					_("{0}, row {1}: {2} is not a question type.").format(label, row.idx, row.question_type)
				)

	def validate_trigger(self):
		if self.trigger and self.audience != "Customer":
			frappe.throw(
				_("{0}: only customer surveys are sent after documents.").format(
					_(self.meta.get_label("trigger"))
				)
			)

	def validate_numbers(self):
		for field, minimum in (("link_valid_days", 1), ("delay_days", 0), ("min_days_between", 0)):
			if self.get(field) is None or int(self.get(field)) < minimum:
				frappe.throw(
					_("{0} must be at least {1}.").format(_(self.meta.get_label(field)), minimum),
					title=_("Invalid Value"),
				)


def question_of(row) -> scoring.Question:
	return scoring.Question(
		id=row.name,
		text=row.question,
		question_type=row.question_type,
		options=scoring.parse_options(row.options),
		required=bool(row.required),
	)
