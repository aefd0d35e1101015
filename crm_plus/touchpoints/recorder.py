"""Write and cancel the touchpoints of source documents, then have their customers' figures refreshed."""

from collections.abc import Sequence

import frappe
from frappe.utils import now_datetime

from crm_plus.touchpoints import relationship, writer
from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED
from crm_plus.touchpoints.sources import get_source


def record(doctype: str, names: Sequence[str], customers: Sequence[str] | None = None) -> int:
	"""Write the touchpoints of submitted documents (idempotent); returns how many were new.

	``customers`` are the documents' customers when the caller knows them (a doc event does); an empty
	list means the documents concern no customer (a supplier payment, a quotation to a lead) and costs
	nothing.
	"""
	if customers is not None and not customers:
		return 0
	new = get_source(doctype).insert(names=names)
	relationship.refresh_later(customers if customers is not None else customers_of(doctype, names))
	return new


def sync(
	doctype: str, names: Sequence[str], customers=None, fresh: bool = False, narrow: dict | None = None
) -> int:
	"""Bring the touchpoints of saved documents (contacts, service) in step with them: write the new ones,
	correct those whose values moved (their status too), cancel those the documents no longer yield (an
	e-mail relinked to another customer, an issue reopened); returns how many were new. ``fresh``: the
	documents were just made, so they have no touchpoints to correct or cancel yet. ``narrow``: what else the
	select may be narrowed to (``Source.narrowing`` of the event's document). ``customers`` is unused: the
	documents' own rows say whom they concern."""
	source = get_source(doctype)
	narrow = narrow or {}
	rows = source.rows(names=names, **narrow)
	new = writer.insert_rows(rows)
	changed, gone = 0, []
	if not fresh:
		changed = source.update(names=names, **narrow)
		gone = writer.vanished(source.select(names=names, **narrow), doctype, names=list(names))
		writer.cancel([name for name, _customer in gone])
	if new or changed or gone:
		relationship.refresh_later(
			{row[writer.CUSTOMER] for row in rows} | {customer for _name, customer in gone}
		)
	return new


def cancel(doctype: str, names: Sequence[str], customers: Sequence[str] | None = None) -> int:
	"""Mark the touchpoints of cancelled or deleted documents Cancelled; never delete them."""
	if customers is not None and not customers:
		return 0
	tp = frappe.qb.DocType("Customer Touchpoint")
	(
		frappe.qb.update(tp)
		.set(tp.status, CANCELLED)
		.set(tp.modified, now_datetime())
		.where(
			(tp.reference_doctype == doctype) & tp.reference_name.isin(list(names)) & (tp.status == ACTIVE)
		)
	).run()
	changed = frappe.db._cursor.rowcount
	relationship.refresh_later(customers if customers is not None else customers_of(doctype, names))
	return changed


def forget(doctype: str, names: Sequence[str], customers: Sequence[str] | None = None) -> int:
	"""Delete the touchpoints of deleted documents: the document is gone, and its name may be given to a
	new one (Frappe reverts a naming series when its last document is deleted)."""
	if customers is not None and not customers:
		return 0
	customers = customers if customers is not None else customers_of(doctype, names)
	frappe.db.delete(
		"Customer Touchpoint", {"reference_doctype": doctype, "reference_name": ("in", list(names))}
	)
	relationship.refresh_later(customers)
	return frappe.db._cursor.rowcount


def customers_of(doctype: str, names: Sequence[str]) -> list[str]:
	tp = frappe.qb.DocType("Customer Touchpoint")
	return (
		frappe.qb.from_(tp)
		.select(tp.customer)
		.distinct()
		.where((tp.reference_doctype == doctype) & tp.reference_name.isin(list(names)))
	).run(pluck=True)
