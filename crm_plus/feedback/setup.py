"""Defaults the feedback module ships: the invitation Email Template (created on install and migrate,
never overwritten once it exists, so a site may edit it)."""

from pathlib import Path

import frappe
from frappe import _

from crm_plus.feedback.invitations import DEFAULT_TEMPLATE

# rendered in the contact's language: the strings are msgids translated by crm_plus's locale files
SUBJECT = '{{ _("Your feedback on {0}").format(survey_title) }}'


def remove_defaults() -> None:
	"""On uninstall: the invitation template goes with the app."""
	frappe.delete_doc(
		"Email Template", DEFAULT_TEMPLATE, ignore_permissions=True, force=True, ignore_missing=True
	)


def _msgids() -> list[str]:
	"""For translation extraction only: the msgid used in SUBJECT."""
	return [_("Your feedback on {0}")]


def install_defaults() -> None:
	if frappe.db.exists("Email Template", DEFAULT_TEMPLATE):
		return
	frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": DEFAULT_TEMPLATE,
			"subject": SUBJECT,
			"use_html": 1,
			"response_html": (Path(__file__).parent / "templates" / "survey_invitation.html").read_text(),
		}
	).insert(ignore_permissions=True)
