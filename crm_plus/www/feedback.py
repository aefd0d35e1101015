"""The public survey page behind an invitation link, rendered in the contact's language.

A guest sees the survey's title, introduction and questions and nothing else: no customer, no other
response. A missing, forged, expired or used link gets a page that says so and writes nothing."""

import frappe
from frappe import _

from crm_plus.feedback import invitations, scoring
from crm_plus.feedback.api import state_message

no_cache = 1
sitemap = 0


def get_context(context):
	context.no_cache = 1
	context.show_sidebar = False
	token = frappe.form_dict.get("token")
	state, invitation = invitations.lookup(token)
	if invitation and invitation.language:
		frappe.local.lang = invitation.language
	context.lang = frappe.local.lang
	context.state = state
	context.title = _("Feedback")
	if state != invitations.VALID:
		context.message = state_message(state)
		return context
	survey = frappe.get_cached_doc("Feedback Survey", invitation.survey)
	context.token = token
	context.title = survey.title
	context.introduction = survey.introduction
	context.questions = [_question(row) for row in survey.questions]
	return context


def _question(row) -> dict:
	kind = row.question_type
	low, high = scoring.RANGES.get(kind, (None, None))
	return frappe._dict(
		id=row.name,
		text=row.question,
		type=kind,
		required=bool(row.required),
		scale=list(range(low, high + 1)) if low is not None else [],
		low_label={
			scoring.RATING: _("Very dissatisfied"),
			scoring.NPS: _("Not at all likely"),
			scoring.EFFORT: _("Very difficult"),
		}.get(kind),
		high_label={
			scoring.RATING: _("Very satisfied"),
			scoring.NPS: _("Extremely likely"),
			scoring.EFFORT: _("Very easy"),
		}.get(kind),
		options=list(scoring.parse_options(row.options)),
		choice_kind="checkbox" if kind == scoring.MULTIPLE else "radio",
	)
