"""Competitor notes prefilled from an Opportunity or Quotation that was lost to competitors.

One note per deal and competitor named in the deal's ``competitors`` table, observation prefilled with
its lost reasons and detailed reason. The note's ``lost_deal`` key is unique in the database, so asking
twice (or two users at once) never makes a second note for the same deal and competitor.
"""

import frappe
from frappe import _

from crm_plus.competitors.rules import (
	LOST_DEAL_DOCTYPES,
	LOST_DEAL_SOURCE,
	NOTE_DOCTYPE,
	lost_deal_key,
	lost_deal_observation,
)

LOST = "Lost"
PARTY_TYPE_FIELD = {"Opportunity": "opportunity_from", "Quotation": "quotation_to"}


def not_a_lost_deal_type(doctype: str) -> str:
	return _("{0}: competitor notes are made from {1}, not from {2}.").format(
		_("Reference Type"), ", ".join(_(d) for d in LOST_DEAL_DOCTYPES), _(doctype)
	)


def check_lost_deal(deal) -> None:
	if deal.doctype not in LOST_DEAL_DOCTYPES:
		frappe.throw(not_a_lost_deal_type(deal.doctype))
	if deal.status != LOST:
		frappe.throw(
			_("{0} {1} is {2}: only a Lost deal makes competitor notes.").format(
				_(deal.doctype), deal.name, _(deal.status)
			),
			title=_("Not Lost"),
		)


def prefill(deal) -> dict:
	"""The values every note from this deal starts with (also used to open a blank note by hand)."""
	reasons = [row.lost_reason for row in deal.get("lost_reasons") or []]
	values = {
		"source": LOST_DEAL_SOURCE,
		"observed_on": frappe.utils.today(),
		"observation": lost_deal_observation(
			_(deal.doctype), deal.name, [_(r) for r in reasons], deal.get("order_lost_reason")
		),
		"aspect": "Other",
	}
	if deal.get(PARTY_TYPE_FIELD[deal.doctype]) == "Customer":
		values["customer"] = deal.party_name
	values["opportunity" if deal.doctype == "Opportunity" else "quotation"] = deal.name
	if deal.doctype == "Quotation" and deal.get("opportunity"):
		values["opportunity"] = deal.opportunity
	return values


def make_notes(deal) -> dict:
	"""Create the missing notes of a lost deal; returns ``{"created": [...], "existing": [...], "prefill"}``."""
	check_lost_deal(deal)
	competitors = list(
		dict.fromkeys(row.competitor for row in deal.get("competitors") or [] if row.competitor)
	)
	keys = {lost_deal_key(deal.doctype, deal.name, c): c for c in competitors}
	existing = (
		frappe.get_all(NOTE_DOCTYPE, filters={"lost_deal": ("in", list(keys))}, pluck="lost_deal")
		if keys
		else []
	)
	values = prefill(deal)
	created = []
	for key, competitor in keys.items():
		if key in existing:
			continue
		note = frappe.get_doc({"doctype": NOTE_DOCTYPE, **values, "competitor": competitor, "lost_deal": key})
		try:
			note.insert()
		except frappe.UniqueValidationError:
			# made meanwhile by a concurrent request: the unique key kept it to one
			frappe.clear_last_message()
			continue
		created.append(note.name)
	existing_names = (
		frappe.get_all(NOTE_DOCTYPE, filters={"lost_deal": ("in", list(keys))}, pluck="name") if keys else []
	)
	return {
		"created": created,
		"notes": existing_names,
		"prefill": values,
	}


def follow_rename(doc, method=None, old_name=None, new_name=None, merge=False):
	"""A lost deal's note is keyed by the competitor's name: a renamed competitor's notes get the new name
	in their key, so asking again for the same deal makes no second note. Merged into a competitor that has
	a note for the same deal already, the moved note keeps its text and leaves the key to that note."""
	suffix = f"::{old_name}"
	notes = [
		note
		for note in frappe.get_all(
			NOTE_DOCTYPE,
			filters={"competitor": new_name, "lost_deal": ("is", "set")},
			fields=["name", "lost_deal"],
		)
		if note.lost_deal.endswith(suffix)
	]
	if not notes:
		return
	keys = {note.name: note.lost_deal[: -len(suffix)] + f"::{new_name}" for note in notes}
	taken = set(
		frappe.get_all(NOTE_DOCTYPE, filters={"lost_deal": ("in", list(keys.values()))}, pluck="lost_deal")
	)
	for name, key in keys.items():
		frappe.db.set_value(
			NOTE_DOCTYPE, name, "lost_deal", None if key in taken else key, update_modified=False
		)
