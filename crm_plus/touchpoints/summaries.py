"""A touchpoint's summary as a customer's timeline shows it, in the reader's language.

The summaries crm_plus writes itself hold labels: a survey answer's scores with its NPS category
("NPS 7 (Passive)"), a competitor note's aspect ("Rival · Pricing: ..."). They are stored in the language
of whoever caused them (the customer answering in Chinese, the site's language for a job) and rendered
again here, from their records, in the reader's language. A summary staff have edited is not one crm_plus
would write in any language: it is shown as they typed it."""

from contextlib import contextmanager

import frappe
from frappe import _

from crm_plus.competitors.rules import NOTE_DOCTYPE, touchpoint_summary
from crm_plus.competitors.rules import TOUCHPOINT_TYPE as NOTE_TYPE
from crm_plus.feedback import responses
from crm_plus.feedback.invitations import LANGUAGES

RESPONSE = "Feedback Response"


@contextmanager
def _language(lang: str):
	previous = frappe.local.lang
	frappe.local.lang = lang
	try:
		yield
	finally:
		frappe.local.lang = previous


def _feedback(response) -> str:
	return responses.summary(response)


def _note(note) -> str:
	return touchpoint_summary(note.competitor, _(note.aspect) if note.aspect else None, note.observation)


# touchpoint type -> (reference doctype, fields read, how crm_plus writes the summary)
WRITERS = {
	responses.TOUCHPOINT_TYPE: (RESPONSE, ["*"], _feedback),
	NOTE_TYPE: (NOTE_DOCTYPE, ["name", "competitor", "aspect", "observation"], _note),
}


def shown(rows: list[dict]) -> dict[str, str]:
	"""Touchpoint name -> its summary in the current language, for the rows whose summary crm_plus wrote
	(and nobody edited since)."""
	found = {}
	reader = frappe.local.lang
	for touchpoint_type, (doctype, fields, write) in WRITERS.items():
		wanted = {
			str(row.reference_name): row
			for row in rows
			if row.touchpoint_type == touchpoint_type and row.reference_doctype == doctype and row.summary
		}
		if not wanted or not frappe.db.table_exists(doctype):
			continue
		for record in frappe.get_all(doctype, filters={"name": ("in", list(wanted))}, fields=fields):
			row = wanted[str(record.name)]
			written = set()
			for lang in {*LANGUAGES, frappe.db.get_default("lang") or "en"}:
				with _language(lang):
					written.add(write(record))
			if row.summary in written:
				with _language(reader):
					found[row.name] = write(record)
	return found
