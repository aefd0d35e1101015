"""What a Feedback Response does with its answers: checks them against its survey, scores them, and puts
a *Feedback* touchpoint on the customer's timeline."""

import frappe
from frappe import _
from frappe.utils import escape_html, getdate

from crm_plus.feedback import scoring

TOUCHPOINT_TYPE = "Feedback"
CHANNELS = {"Email Link": "Web", "Web Form": "Web", "Desk": "In Person"}


def survey_questions(survey: str) -> list[scoring.Question]:
	return frappe.get_cached_doc("Feedback Survey", survey).questions_for_scoring()


def problem_message(problem: scoring.Problem, questions: list[scoring.Question]) -> str:
	"""A translated message naming the question the problem is about."""
	question = next((q for q in questions if q.id == problem.question), None)
	if question is None:
		# a guest sees only what it sent, never the text of another survey's question
		text = problem.question
		if frappe.session.user != "Guest":
			text = frappe.db.get_value("Feedback Survey Question", problem.question, "question") or text
		return _("{0} is not a question of this survey.").format(frappe.bold(escape_html(text)))
	name = frappe.bold(escape_html(question.text))
	if problem.code == scoring.MISSING:
		return _("{0}: an answer is required.").format(name)
	if problem.code == scoring.OUT_OF_RANGE:
		low, high = scoring.RANGES[question.question_type]
		return _("{0}: the answer must be a whole number from {1} to {2}.").format(name, low, high)
	if problem.code == scoring.NOT_A_NUMBER:
		return _("{0}: the answer must be a number.").format(name)
	if problem.code == scoring.TOO_LONG:
		return _("{0}: the answer is longer than {1} characters.").format(name, scoring.MAX_TEXT)
	return _("{0}: {1} is not one of the options.").format(name, frappe.bold(escape_html(problem.detail)))


def check_answers(survey: str, raw: dict) -> list[scoring.Answer]:
	"""The cleaned answers, or a ValidationError naming every question whose answer is refused."""
	questions = survey_questions(survey)
	answers, problems = scoring.clean_answers(questions, raw)
	if problems:
		frappe.throw(
			"<br>".join(problem_message(p, questions) for p in problems),
			title=_("Invalid Answer"),
		)
	return answers


def clean_answers(doc) -> None:
	"""Replace the response's answer rows with the checked ones, question text and type filled in."""
	if not doc.survey:
		if doc.answers:
			frappe.throw(_("{0}: answers need a survey.").format(_(doc.meta.get_label("answers"))))
		return
	raw = {}
	for row in doc.answers:
		if row.question in raw:
			frappe.throw(_("{0}: a question is answered twice.").format(_(doc.meta.get_label("answers"))))
		raw[row.question] = row.answer
	answers = check_answers(doc.survey, raw)
	questions = {q.id: q for q in survey_questions(doc.survey)}
	doc.set("answers", [])
	for answer in answers:
		question = questions[answer.question]
		doc.append(
			"answers",
			{
				"question": answer.question,
				"question_text": question.text,
				"question_type": question.question_type,
				"answer": answer.answer,
				"value": answer.value,
			},
		)


def scores_of(doc) -> dict:
	if not doc.survey:
		return {
			"csat": None,
			"has_csat": 0,
			"nps_score": None,
			"nps_category": None,
			"effort_score": None,
			"has_effort": 0,
			"satisfaction": None,
		}
	answers = [scoring.Answer(row.question, row.answer, row.value) for row in doc.answers]
	found = scoring.scores(survey_questions(doc.survey), answers)
	if found["nps_score"] is not None:
		found["nps_score"] = int(found["nps_score"])
	return found


def summary(doc) -> str:
	parts = []
	# a measure the survey did not ask is left out (its number column holds 0, not nothing)
	if doc.has_csat:
		parts.append(_("CSAT {0}%").format(round(doc.csat)))
	if doc.nps_category:
		parts.append(_("NPS {0} ({1})").format(doc.nps_score, _(doc.nps_category)))
	if doc.has_effort:
		parts.append(_("Effort {0}").format(round(doc.effort_score, 1)))
	if doc.comment:
		parts.append(doc.comment[:200])
	return "; ".join(parts) or (doc.subject or _("Feedback"))


def record_touchpoint(doc) -> None:
	"""An inbound Feedback touchpoint on the customer's timeline; the touchpoints' unique key (reference,
	type, customer) makes a second one for the same response impossible."""
	if not doc.customer:
		return
	touchpoint = frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": doc.customer,
			"touchpoint_type": TOUCHPOINT_TYPE,
			"direction": "Inbound",
			"channel": CHANNELS.get(doc.channel, "Web"),
			"posting_date": getdate(doc.submitted_on),
			"user": doc.responsible,
			"summary": summary(doc),
			"reference_doctype": doc.doctype,
			"reference_name": str(doc.name),
		}
	).insert(ignore_permissions=True)
	if not doc.responsible and touchpoint.user == "Guest":
		# a customer answering through a link is not a user of ours: nobody logged this touchpoint
		touchpoint.db_set("user", None, update_modified=False)
	doc.db_set("touchpoint", touchpoint.name, update_modified=False)


def cancel_touchpoint(doc) -> None:
	"""A deleted response leaves its touchpoint as Cancelled, as a cancelled invoice does."""
	frappe.db.set_value(
		"Customer Touchpoint",
		{"reference_doctype": doc.doctype, "reference_name": str(doc.name)},
		"status",
		"Cancelled",
		update_modified=False,
	)
