"""Competitor notes captured, by the user who captured them (the ``competitors`` module).

Counts nothing until the Competitor Note doctype exists on the site. A note counts in the period it was
recorded; its author is its ``captured_by`` user when the doctype has one, else the user who created it.
Cancelled notes (docstatus 2) never count; deleted notes are gone.
"""

import frappe

from crm_plus.adoption.metrics.base import Metric, _

DOCTYPE = "Competitor Note"
AUTHOR_FIELDS = ("captured_by",)


def _sql() -> str:
	author = next((f for f in AUTHOR_FIELDS if frappe.db.has_column(DOCTYPE, f)), None)
	who = f"coalesce(n.`{author}`, n.owner)" if author else "n.owner"
	return f"""
		select {who} as user, count(*) as value
		from `tabCompetitor Note` n
		where {who} in %(users)s and n.docstatus < 2
			and n.creation >= %(start)s and n.creation < %(end)s
		group by {who}
	"""


METRIC = Metric(
	key="competitor_notes",
	label=_("Competitor notes captured"),
	description=_("Observations of competitors recorded as Competitor Notes."),
	unit=_("notes"),
	default_target=4,
	requires=(DOCTYPE,),
	sql=_sql,
)
