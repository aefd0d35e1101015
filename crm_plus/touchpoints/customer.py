"""Keep crm_plus's per-customer records in step when ERPNext deletes or renames a Customer."""

import frappe
from frappe.model.delete_doc import delete_dynamic_links

# crm_plus records that belong to one customer (field `customer`); none of them blocks deleting it
CUSTOMER_RECORDS = (
	"Customer Touchpoint",
	"Customer Relationship",
	"Customer Stage Change",
	"Lifecycle Alert",
	"Customer Segment History",
	"Feedback Invitation",
	"Feedback Response",
)


def on_trash(doc, method=None):
	"""A deleted customer takes its relationship, touchpoints, stage history, alerts (with their ToDos) and
	survey invitations and answers with it (ERPNext itself refuses to delete a customer that has
	transactions)."""
	for alert in frappe.get_all("Lifecycle Alert", filters={"customer": doc.name}, pluck="name"):
		delete_dynamic_links(
			"Lifecycle Alert", alert
		)  # its ToDos, comments and notifications, as Frappe does
	for doctype in CUSTOMER_RECORDS:
		if frappe.db.table_exists(doctype):
			frappe.db.delete(doctype, {"customer": doc.name})


def before_rename(doc, method=None, old_name=None, new_name=None, merge=False):
	"""Merging: Frappe moves every link to the old customer onto the target, and three of crm_plus's records
	are unique per customer. The old customer's relationship makes way (the target's is recomputed after
	the merge, from both customers' documents); so does an alert of the old customer for a rule and
	cooldown window the target has an alert for already (the target's stands; the old one's ToDos go with
	it), and a touchpoint of a document that concerns both customers (recorded again after the merge).
	Without this, ERPNext's "Merge with existing" stops on a duplicate key."""
	if not merge or not frappe.db.exists("Customer", new_name):
		return
	if frappe.db.exists("Customer Relationship", new_name):
		frappe.delete_doc(
			"Customer Relationship", old_name, ignore_permissions=True, force=True, ignore_missing=True
		)
	old, target = frappe.qb.DocType("Lifecycle Alert"), frappe.qb.DocType("Lifecycle Alert").as_("target")
	duplicates = (
		frappe.qb.from_(old)
		.join(target)
		.on((target.rule == old.rule) & (target.window_start == old.window_start))
		.select(old.name)
		.where((old.customer == old_name) & (target.customer == new_name))
		.run(pluck=True)
	)
	for name in duplicates:
		frappe.delete_doc("Lifecycle Alert", name, ignore_permissions=True, force=True)
	frappe.flags.crm_plus_merged_sources = _shared_sources(old_name, new_name)


def _shared_sources(old_name: str, new_name: str) -> list[tuple[str, str]]:
	"""Documents with touchpoints for both customers (a Journal Entry settling invoices of each): the old
	customer's make way here, and the documents are recorded again after the merge, for the one party."""
	tp, target = (
		frappe.qb.DocType("Customer Touchpoint"),
		frappe.qb.DocType("Customer Touchpoint").as_("target"),
	)
	shared = (
		frappe.qb.from_(tp)
		.join(target)
		.on(
			(target.reference_doctype == tp.reference_doctype)
			& (target.reference_name == tp.reference_name)
			& (target.touchpoint_type == tp.touchpoint_type)
		)
		.select(tp.name, tp.reference_doctype, tp.reference_name)
		.where((tp.customer == old_name) & (target.customer == new_name))
		.run()
	)
	if shared:
		frappe.db.delete("Customer Touchpoint", {"name": ("in", [row[0] for row in shared])})
	return sorted({(doctype, name) for _tp, doctype, name in shared})


def after_rename(doc, method=None, old_name=None, new_name=None, merge=False):
	"""The relationship is named after its customer: follow a rename (or a merge into a customer without
	one), then recompute the figures of the customer that now holds the documents."""
	from crm_plus.touchpoints import recorder, relationship

	for doctype, name in frappe.flags.pop("crm_plus_merged_sources", None) or ():
		if frappe.db.get_value(doctype, name, "docstatus") == 1:
			recorder.forget(doctype, [name], [new_name])  # the target's share, written again as one row
			recorder.record(doctype, [name], [new_name])
	if frappe.db.exists("Customer Relationship", old_name):
		frappe.rename_doc("Customer Relationship", old_name, new_name, force=True, show_alert=False)
	elif not frappe.db.exists("Customer Relationship", new_name):
		return

	relationship.refresh([new_name])
