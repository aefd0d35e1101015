"""Write and cancel touchpoints for a set of source documents, then refresh their customers."""

from collections.abc import Sequence

import frappe
from frappe.query_builder import DocType
from frappe.utils import now_datetime

from crm_plus.touchpoints import relationship
from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED
from crm_plus.touchpoints.sources import get_source


def record(doctype: str, names: Sequence[str]) -> int:
	"""Write the touchpoints of submitted documents (idempotent) and refresh their customers."""
	new = get_source(doctype).insert(names=names)
	relationship.refresh(customers_of(doctype, names))
	return new


def cancel(doctype: str, names: Sequence[str]) -> int:
	"""Mark the touchpoints of cancelled or deleted documents Cancelled; never delete them."""
	TP = frappe.qb.DocType("Customer Touchpoint")
	customers = customers_of(doctype, names)
	if not customers:
		return 0
	(
		frappe.qb.update(TP)
		.set(TP.status, CANCELLED)
		.set(TP.modified, now_datetime())
		.where(
			(TP.reference_doctype == doctype) & TP.reference_name.isin(list(names)) & (TP.status == ACTIVE)
		)
	).run()
	changed = frappe.db._cursor.rowcount
	relationship.refresh(customers)
	return changed


def customers_of(doctype: str, names: Sequence[str]) -> list[str]:
	TP = frappe.qb.DocType("Customer Touchpoint")
	return (
		frappe.qb.from_(TP)
		.select(TP.customer)
		.distinct()
		.where((TP.reference_doctype == doctype) & TP.reference_name.isin(list(names)))
	).run(pluck=True)
