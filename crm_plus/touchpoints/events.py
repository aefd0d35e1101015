"""Doc events: ERPNext sales, billing and collection documents, and contacts and service documents, become
customer touchpoints.

Handlers are small and never break billing: they write the touchpoint in the document's transaction (one
INSERT ... SELECT) and leave the relationship figures to a job that runs after the commit. The work runs
inside a savepoint; if anything unexpected
fails it is rolled back to that savepoint, written to the Error Log, and the invoice or payment goes
through. The daily reconciliation (``reconcile.py``) heals whatever a failed handler left out.
"""

from functools import partial

import frappe
from frappe import _

from crm_plus.touchpoints import recorder, relationship
from crm_plus.touchpoints.sources import get_source

SAVEPOINT = "crm_plus_touchpoint"


def on_submit(doc, method=None):
	if get_source(doc.doctype) and touchpoints_enabled():
		_safely(recorder.record, doc)


def on_cancel(doc, method=None):
	if get_source(doc.doctype):
		_safely(recorder.cancel, doc)


def on_update_after_submit(doc, method=None):
	"""A submitted document changed (ERPNext's Update Items): its active touchpoints take the new values. Like on_cancel it runs even with touchpoints disabled: it writes no
	touchpoint, it only keeps those already written true."""
	if get_source(doc.doctype):
		_safely(update, doc)


def update(doctype: str, names, customers) -> int:
	"""Rewrite the touchpoints of ``names`` whose values differ from their documents' (idempotent: a
	second save changes nothing); the customers' figures are refreshed only when one changed."""
	if not customers:
		return 0
	changed = get_source(doctype).update(names=names)
	if changed:
		relationship.refresh_later(customers)
	return changed


def on_trash(doc, method=None):
	"""A deleted submitted or cancelled document takes its touchpoints with it (a draft has none)."""
	if doc.docstatus and get_source(doc.doctype):
		_safely(recorder.forget, doc)


def on_save(doc, method=None):
	"""A contact or service document saved (an e-mail sent or received, a call logged, a meeting, an
	issue): its touchpoints follow it, written, corrected or cancelled (``recorder.sync``).

	Fires for every e-mail of the site, so it returns at once for a document that cannot concern a customer
	(read from the document alone: ``Source.concerns``), at the cost of at most one indexed lookup (does it
	have touchpoints?) when such a document is changed rather than made."""
	source = get_source(doc.doctype)
	if not source or not source.saved or not touchpoints_enabled():
		return
	fresh = bool(doc.flags.in_insert)
	if source.concerns(doc) or (not fresh and _recorded(doc.doctype, doc.name)):
		_safely(partial(recorder.sync, fresh=fresh, narrow=source.narrowing(doc)), doc)
	for doctype, name in source.touches(doc):
		_guarded(recorder.sync, doctype, name, None)


def on_delete(doc, method=None):
	"""A deleted contact or service document cancels its touchpoints (an e-mail, a call: their names are
	never given again) or takes them with it (an issue, a meeting: a naming series may give the name again)."""
	source = get_source(doc.doctype)
	if source and source.saved:
		_safely(recorder.cancel if source.on_delete == "cancel" else recorder.forget, doc)


def _recorded(doctype: str, name: str) -> bool:
	return bool(
		frappe.db.exists("Customer Touchpoint", {"reference_doctype": doctype, "reference_name": name})
	)


def touchpoints_enabled() -> bool:
	return bool(frappe.get_cached_doc("CRM Plus Settings").enable_touchpoints)


def _safely(handler, doc):
	source = get_source(doc.doctype)
	_guarded(handler, doc.doctype, doc.name, None if source.saved else source.customers(doc))


def _guarded(handler, doctype: str, name: str, customers):
	"""Run the handler inside a savepoint: a failure is rolled back to it and logged, never raised."""
	messages = frappe.local.message_log
	shown = len(messages)
	frappe.db.savepoint(SAVEPOINT)
	try:
		handler(doctype, [name], customers)
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		# the document went through: a message the failed handler queued (frappe.throw) must not show the
		# user an error box for it; the Error Log keeps the failure
		del messages[shown:]
		frappe.log_error(
			title=_("crm_plus could not update the touchpoints of {0} {1}").format(_(doctype), name),
			reference_doctype=doctype,
			reference_name=name,
		)
	else:
		frappe.db.release_savepoint(SAVEPOINT)


def on_unreconcile(doc, method=None):
	"""ERPNext's Unreconcile Payment unlinks a payment from invoices, which are unpaid again: the customers'
	figures (outstanding, overdue, oldest unpaid invoice) are refreshed after the commit, as after a
	payment, instead of waiting for the nightly refresh. Never stops the unreconciliation."""
	try:
		relationship.refresh_later(
			{row.party for row in doc.get("allocations") or [] if row.party_type == "Customer"}
		)
	except Exception:
		frappe.log_error(title=_("crm_plus could not refresh the customers of {0}").format(doc.name))
