"""The values that made a rule match, as a lifecycle alert's form shows them: each with its label and in
the reader's language (a stage, segment or NPS category translated), amounts only for who may read them.

The alert stores them by key (``facts``, ``matched_values``): the rule's parameters, labelled by the
condition, and the columns of the condition's query, labelled here."""

import json

import frappe
from frappe import _

from crm_plus import labels
from crm_plus.lifecycle.conditions.base import _ as N_

# the columns the conditions' queries return, by key
VALUE_LABELS = {
	"invoice": N_("Invoice"),
	"invoices": N_("Overdue Invoices"),
	"overdue_amount": N_("Overdue Amount"),
	"days_overdue": N_("Days Overdue"),
	"days_since": N_("Days Since Last Purchase"),
	"last_purchase": N_("Last Purchase"),
	"current_count": N_("Purchases (Current Period)"),
	"previous_count": N_("Purchases (Previous Period)"),
	"drop_percent": N_("Drop (%)"),
	"followups": N_("Follow-ups"),
	"last_followup": N_("Last Follow-up"),
	"hours_waiting": N_("Hours Waiting"),
	"touchpoint": N_("Touchpoint"),
	"unanswered": N_("Unanswered Feedback"),
	"response": N_("Feedback Response"),
	"submitted_on": N_("Submitted On"),
	"csat": N_("CSAT (%)"),
	"nps_category": N_("NPS Category"),
	"health_score": N_("Health Score"),
	"rfm_segment": N_("RFM Segment"),
	"lifecycle_stage": N_("Lifecycle Stage"),
}
HIDDEN = frozenset({"lifecycle_stage"})  # the customer's stage is on the relationship, not why it matched


def rows(condition, facts: str | None, amounts: str | None = None) -> list[tuple[str, object, str]]:
	"""(key, value, label) of each value given, in the order stored, labels and label values translated;
	empty values and the stage left out."""
	values = {**json.loads(facts or "{}"), **json.loads(amounts or "{}")}
	names = {**VALUE_LABELS, **{p.name: p.label for p in (condition.parameters if condition else ())}}
	shown = labels.translated(values)
	return [
		(key, shown[key], _(names[key]) if key in names else frappe.unscrub(key))
		for key, value in values.items()
		if value not in (None, "") and key not in HIDDEN
	]
