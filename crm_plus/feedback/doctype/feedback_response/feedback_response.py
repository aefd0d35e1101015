# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime, time_diff_in_hours

from crm_plus import access
from crm_plus.feedback import responses

NEW, ACKNOWLEDGED, RESOLVED = "New", "Acknowledged", "Resolved"
STATUS_ORDER = {NEW: 0, ACKNOWLEDGED: 1, RESOLVED: 2}

# what the respondent submitted, and what crm_plus derived from it or stamped when it happened
SUBMITTED_FIELDS = ("survey", "audience", "customer", "contact", "employee_user", "submitted_on", "language")
SUBMITTED_FIELDS += ("channel", "subject", "answers", "comment", "csat", "nps_score", "nps_category")
SUBMITTED_FIELDS += ("effort_score", "acknowledged_on", "first_response_hours", "resolved_on")
SUBMITTED_FIELDS += ("resolution_hours", "invitation", "touchpoint", "has_csat", "has_effort", "satisfaction")


class FeedbackResponse(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from crm_plus.feedback.doctype.feedback_answer.feedback_answer import FeedbackAnswer

		acknowledged_on: DF.Datetime | None
		answers: DF.Table[FeedbackAnswer]
		audience: DF.Literal["Customer", "Employee"]
		channel: DF.Literal["Email Link", "Web Form", "Desk"]
		comment: DF.Text | None
		contact: DF.Link | None
		csat: DF.Percent
		customer: DF.Link | None
		effort_score: DF.Float
		employee_user: DF.Link | None
		first_response_hours: DF.Float
		has_csat: DF.Check
		has_effort: DF.Check
		invitation: DF.Link | None
		language: DF.Data | None
		name: DF.Int | None
		nps_category: DF.Literal["", "Promoter", "Passive", "Detractor"]
		nps_score: DF.Int
		resolution_hours: DF.Float
		resolved_on: DF.Datetime | None
		responsible: DF.Link | None
		satisfaction: DF.Percent
		status: DF.Literal["New", "Acknowledged", "Resolved"]
		subject: DF.Data | None
		submitted_on: DF.Datetime | None
		survey: DF.Link | None
		touchpoint: DF.Link | None
	# end: auto-generated types

	def validate(self):
		# what the respondent submitted stays as submitted: staff acknowledge, resolve and note it
		access.check_unchanged(
			self, SUBMITTED_FIELDS, _("{0} is what the respondent submitted and cannot be changed.")
		)
		self.set_audience()
		self.validate_respondent()
		responses.clean_answers(self)
		self.set_scores()
		self.set_responsible()
		self.track_status()

	def after_insert(self):
		responses.record_touchpoint(self)

	def on_trash(self):
		responses.cancel_touchpoint(self)

	def set_audience(self):
		"""A survey decides the audience; feedback without one is a staff suggestion."""
		self.audience = (
			frappe.db.get_value("Feedback Survey", self.survey, "audience") if self.survey else "Employee"
		)
		if not self.submitted_on:
			self.submitted_on = now_datetime()
		if self.is_new() and frappe.flags.in_web_form:
			if frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User":
				frappe.throw(_("Only staff can submit this form."), frappe.PermissionError)
			self.channel = "Web Form"
		if self.audience == "Employee" and not self.employee_user and frappe.session.user != "Guest":
			self.employee_user = frappe.session.user

	def validate_respondent(self):
		if self.audience == "Customer" and not self.customer:
			frappe.throw(
				_("{0} is required for a customer survey.").format(_(self.meta.get_label("customer"))),
				title=_("Missing Value"),
			)
		if not self.survey and not (self.comment or "").strip():
			frappe.throw(
				_("{0}: write your feedback or suggestion.").format(_(self.meta.get_label("comment"))),
				title=_("Missing Value"),
			)
		if self.contact and self.customer and not _contact_of(self.contact, self.customer):
			frappe.throw(
				_("{0}: {1} is not a contact of the customer {2}.").format(
					_(self.meta.get_label("contact")), self.contact, self.customer
				)
			)

	def set_scores(self):
		self.update(responses.scores_of(self))

	def set_responsible(self):
		if not self.responsible and self.customer:
			from crm_plus.lifecycle.responsible import account_owners

			self.responsible = account_owners([self.customer]).get(self.customer)

	def track_status(self):
		"""New → Acknowledged → Resolved, stamping the first response and the resolution once."""
		before = self.get_doc_before_save()
		if before and STATUS_ORDER.get(self.status, 0) < STATUS_ORDER.get(before.status, 0):
			frappe.throw(
				_("{0} cannot go back from {1} to {2}.").format(
					_(self.meta.get_label("status")), _(before.status), _(self.status)
				)
			)
		now = now_datetime()
		if self.status in (ACKNOWLEDGED, RESOLVED) and not self.acknowledged_on:
			self.acknowledged_on = now
			self.first_response_hours = max(time_diff_in_hours(now, self.submitted_on), 0)
		if self.status == RESOLVED and not self.resolved_on:
			self.resolved_on = now
			self.resolution_hours = max(time_diff_in_hours(now, self.submitted_on), 0)


def _contact_of(contact: str, customer: str) -> bool:
	return bool(
		frappe.db.exists(
			"Dynamic Link",
			{"parenttype": "Contact", "parent": contact, "link_doctype": "Customer", "link_name": customer},
		)
	)
