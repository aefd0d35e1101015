"""Helpers of the feedback tests: surveys, customers with a contact, invitations with a known token."""

import frappe

from crm_plus.feedback import invitations
from crm_plus.feedback.invitations import Recipient
from tests.integration.factories import make_customer

ALL_TYPES = [
	{"question": "How satisfied are you with our service?", "question_type": "Rating", "required": 1},
	{"question": "How likely are you to recommend us?", "question_type": "NPS"},
	{"question": "How easy was it to get what you needed?", "question_type": "Customer Effort"},
	{
		"question": "Which channel did you use?",
		"question_type": "Single Choice",
		"options": "Phone\nE-mail\nVisit",
	},
	{
		"question": "What did you like?",
		"question_type": "Multiple Choice",
		"options": "Price\nQuality\nService",
	},
	{"question": "Would you buy again?", "question_type": "Yes/No"},
	{"question": "Anything else?", "question_type": "Free Text"},
]


def make_survey(questions=None, **extra):
	return frappe.get_doc(
		{
			"doctype": "Feedback Survey",
			"title": f"_Test Survey {frappe.generate_hash(length=6)}",
			"audience": "Customer",
			"active": 1,
			"introduction": "Tell us how we did.",
			"questions": questions or ALL_TYPES,
			**extra,
		}
	).insert()


def qid(survey, index: int) -> str:
	return survey.questions[index].name


def customer_with_contact(language: str | None = None, **extra) -> tuple[str, str, str]:
	"""A customer whose primary contact has an e-mail address: (customer, contact, email)."""
	customer = make_customer(language=language, **extra) if language else make_customer(**extra)
	email = f"fb-{frappe.generate_hash(length=8)}@example.com"
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Mei",
			"last_name": frappe.generate_hash(length=5),
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert()
	frappe.db.set_value("Customer", customer, {"customer_primary_contact": contact.name, "email_id": email})
	return customer, contact.name, email


def invite(survey, customer: str, contact: str | None = None, email: str | None = None, **extra):
	"""An invitation inserted the way ``invitations.send`` does, with a token the test knows."""
	from crm_plus.feedback import tokens

	token = tokens.new_token()
	name = invitations._insert(
		survey, Recipient(customer=customer, contact=contact, email=email, language="zh", **extra), token
	)
	return token, name


def response_count(survey) -> int:
	return frappe.db.count("Feedback Response", {"survey": survey.name})
