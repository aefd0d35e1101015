# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_plus.feedback import localize, scoring


class FeedbackSurvey(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.feedback.doctype.feedback_survey_language.feedback_survey_language import (
			FeedbackSurveyLanguage,
		)
		from crm_plus.feedback.doctype.feedback_survey_question.feedback_survey_question import (
			FeedbackSurveyQuestion,
		)
		from crm_plus.feedback.doctype.feedback_survey_translation.feedback_survey_translation import (
			FeedbackSurveyTranslation,
		)

		active: DF.Check
		audience: DF.Literal["Customer", "Employee"]
		crm_plan: DF.Link | None
		delay_days: DF.Int
		email_template: DF.Link | None
		introduction: DF.SmallText | None
		language: DF.Link | None
		languages: DF.Table[FeedbackSurveyLanguage]
		link_valid_days: DF.Int
		min_days_between: DF.Int
		questions: DF.Table[FeedbackSurveyQuestion]
		title: DF.Data
		translations: DF.Table[FeedbackSurveyTranslation]
		trigger: DF.Literal["", "Delivery Note", "Sales Invoice", "Issue"]
	# end: auto-generated types

	def validate(self):
		self.validate_questions()
		self.validate_trigger()
		self.validate_numbers()
		self.validate_translations()

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

	# --- the survey in other languages (crm_plus/feedback/localize.py) ------------------------------

	def validate_translations(self):
		self.language = self.language or frappe.db.get_default("lang") or "en"
		self.follow_moved_questions()
		messages = {
			localize.SAME_AS_SURVEY: _(
				"{0} is the survey's own language: write its texts in the survey itself."
			),
			localize.DUPLICATE: _("{0} is translated twice."),
			localize.NO_SUCH_QUESTION: _("the survey has no question {1}."),
			localize.OPTIONS_NOT_ASKED: _("question {1} has no options to translate."),
			localize.OPTIONS_COUNT: _("question {1} has {2} options: translate each of them, one per line."),
		}
		questions = self.localize_questions()
		for table, idx, problem in localize.problems(
			self.language,
			questions,
			[row.language for row in self.languages],
			self.localize_translations(),
		):
			row = self.get(table)[idx - 1]
			number = row.get("question_no")
			frappe.throw(
				_("{0}, row {1}: {2}").format(
					_(self.meta.get_label(table)),
					idx,
					messages[problem].format(
						frappe.bold(row.language),
						number,
						len(questions[number - 1].options) if problem == localize.OPTIONS_COUNT else "",
					),
				),
				title=_("Invalid Translation"),
			)

	def follow_moved_questions(self):
		"""Translations follow their question when questions are moved or removed (they name it by number)."""
		before = self.get_doc_before_save()
		if not before or not self.translations:
			return
		old = [row.name for row in before.questions]
		new = [row.name for row in self.questions]
		if old == new:
			return
		unchanged = {row.name: row.question_no for row in before.translations}
		kept = []
		for row in self.translations:
			if unchanged.get(row.name) == row.question_no:
				row.question_no = localize.renumbered(old, new, row.question_no)
			if row.question_no is not None:
				kept.append(row)
		self.translations = kept
		for idx, row in enumerate(kept, start=1):
			row.idx = idx

	def localize_questions(self) -> list[localize.Question]:
		return [
			localize.Question(
				row.question,
				list(scoring.parse_options(row.options)),
				row.question_type in scoring.CHOICE_TYPES,
			)
			for row in self.questions
		]

	def localize_translations(self) -> list[localize.Translation]:
		return [
			localize.Translation(
				row.language, int(row.question_no or 0), row.question, localize.lines(row.options)
			)
			for row in self.translations
		]

	def translated_languages(self) -> list[str]:
		"""The languages the survey has texts in besides its own, in the order first given."""
		found = []
		for row in (*self.languages, *self.translations):
			if row.language not in found and row.language != self.language:
				found.append(row.language)
		return found

	def texts(self, language: str) -> localize.Texts:
		"""Title, introduction, questions and options in ``language`` where translated, else the survey's own."""
		return localize.texts(
			language,
			self.title,
			self.introduction,
			self.localize_questions(),
			{row.language: (row.title, row.introduction) for row in self.languages},
			self.localize_translations(),
		)


def question_of(row) -> scoring.Question:
	return scoring.Question(
		id=row.name,
		text=row.question,
		question_type=row.question_type,
		options=scoring.parse_options(row.options),
		required=bool(row.required),
	)
