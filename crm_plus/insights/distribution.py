"""How the customers a user may read spread over the values of one relationship field (lifecycle stage,
RFM segment, health label): the workspace's stage donut and segment bars.

Frappe's *Group By* charts show the stored values, which crm_plus keeps in English; these charts are
*Custom* charts over this module instead, so each label is shown in the reader's language, in the field's
own order (stages from Prospect to Churned), values nobody holds left out as Frappe's charts leave them (a
donut cannot draw an empty slice). Not cached: Frappe caches a chart source per chart, not per user or
language."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count

from crm_plus.access import restrict_to_list
from crm_plus.labels import options

RELATIONSHIP = "Customer Relationship"
FIELDS = ("lifecycle_stage", "rfm_segment", "health_label")


def counts(fieldname: str) -> dict[str, int]:
	"""Relationships per stored (English) value, over the relationships the user's list shows."""
	if fieldname not in FIELDS:
		frappe.throw(_("{0} is not a field the customers can be counted by.").format(fieldname))
	frappe.has_permission(RELATIONSHIP, "read", throw=True)
	r = DocType(RELATIONSHIP)
	column = r[fieldname]
	query = (
		frappe.qb.from_(r)
		.select(column, Count("*"))
		.where(column.isnotnull() & (column != ""))
		.groupby(column)
	)
	return dict(restrict_to_list(query, RELATIONSHIP).run())


def chart(fieldname: str) -> dict:
	"""A chart's data: each value of the field that customers hold, as a translated label, with their number."""
	found = counts(fieldname)
	values = [value for value in options(RELATIONSHIP, fieldname) if found.get(value)]
	return {
		"labels": [_(value) for value in values],
		"datasets": [{"name": _("Customers"), "values": [found.get(value, 0) for value in values]}],
	}
