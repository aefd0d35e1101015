"""The public survey page behind an invitation link, in the visitor's language, with a language switch.

The page speaks the visitor's choice (``?lang=``, the switch), else the language chosen for the customer (the
e-mail's), else the browser's, else the language the link was sent in (``crm_plus/feedback/localize.py``); the survey's
title, introduction, questions and options are shown in that language where the survey has them.

A guest sees the survey's title, introduction and questions and nothing else: no customer, no other
response. A missing, forged, expired or used link gets a page that says so and writes nothing."""

from urllib.parse import urlencode

import frappe
from frappe import _

from crm_plus.feedback import invitations, localize, scoring
from crm_plus.feedback.api import state_message

no_cache = 1
sitemap = 0


def get_context(context):
	context.no_cache = 1
	context.show_sidebar = False
	token = frappe.form_dict.get("token")
	state, invitation = invitations.lookup(token)
	survey = frappe.get_cached_doc("Feedback Survey", invitation.survey) if invitation else None
	offered = localize.offered_languages(
		survey.language if survey else None, survey.translated_languages() if survey else []
	)
	lang = localize.page_language(
		frappe.form_dict.get("lang") or frappe.form_dict.get("_lang"),
		_customer_language(invitation),
		_browser_languages(),
		invitation.language if invitation else None,
		offered,
		frappe.db.get_default("lang") or "en",
	)
	frappe.local.lang = lang
	context.lang = lang
	if context.get("boot"):  # made before this page chose its language: <html lang> and the page's scripts
		context.boot["lang"] = lang
	context.languages = _switch(token, offered, lang)
	context.state = state
	context.title = _("Feedback")
	if state != invitations.VALID:
		context.message = state_message(state)
		return context
	texts = survey.texts(lang)
	context.token = token
	context.title = texts.title
	context.introduction = texts.introduction
	context.questions = [
		_question(row, text, options)
		for row, (text, options) in zip(survey.questions, texts.questions, strict=True)
	]
	return context


def _customer_language(invitation) -> str | None:
	"""The language chosen for the customer (its Print Language), which its e-mail was written in. Frappe
	fills a new customer's language with the site's, so the site's language says nothing of the customer:
	then the browser's says more."""
	if not invitation or not invitation.customer:
		return None
	language = frappe.db.get_value("Customer", invitation.customer, "language")
	return language if language != (frappe.db.get_default("lang") or "en") else None


def _browser_languages() -> list[str]:
	"""Frappe's language cookie, then the browser's Accept-Language, in the browser's order."""
	request = getattr(frappe.local, "request", None)
	if not request:
		return []
	found = [request.cookies.get("preferred_language")]
	found += [language for language, _quality in request.accept_languages]
	return [language for language in found if language]


def _switch(token: str | None, offered: list[str], current: str) -> list[dict]:
	"""The language switch: each offered language by its own name, linking to this page in it."""
	names = dict(
		frappe.get_all(
			"Language", filters={"name": ("in", offered)}, fields=["name", "language_name"], as_list=True
		)
	)
	return [
		frappe._dict(
			code=code,
			name=names.get(code) or code,
			url="/feedback?" + urlencode({**({"token": token} if token else {}), "lang": code}),
			current=code == current,
		)
		for code in offered
	]


def _question(row, text: str, options: list[tuple[str, str]]) -> dict:
	kind = row.question_type
	low, high = scoring.RANGES.get(kind, (None, None))
	return frappe._dict(
		id=row.name,
		text=text,
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
		options=[frappe._dict(value=value, label=label) for value, label in options],
		choice_kind="checkbox" if kind == scoring.MULTIPLE else "radio",
	)
