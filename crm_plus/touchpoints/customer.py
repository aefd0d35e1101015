"""Keep crm_plus's per-customer records in step when ERPNext deletes or renames a Customer."""

import frappe

# crm_plus records that belong to one customer (field `customer`); none of them blocks deleting it
CUSTOMER_RECORDS = (
	"Customer Touchpoint",
	"Customer Relationship",
	"Customer Stage Change",
	"Lifecycle Alert",
	"Customer Segment History",
)


def on_trash(doc, method=None):
	"""A deleted customer takes its relationship, touchpoints, stage history and alerts with it
	(ERPNext itself refuses to delete a customer that has transactions)."""
	for doctype in CUSTOMER_RECORDS:
		if frappe.db.table_exists(doctype):
			frappe.db.delete(doctype, {"customer": doc.name})


def before_rename(doc, method=None, old_name=None, new_name=None, merge=False):
	"""Merging: Frappe moves every link to the old customer onto the target, and two of crm_plus's records
	are unique per customer. The old customer's relationship makes way (the target's is recomputed after
	the merge, from both customers' documents), and so does an alert of the old customer for a rule and
	cooldown window the target has an alert for already (the target's stands; the old one's ToDos go with it).
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


def after_rename(doc, method=None, old_name=None, new_name=None, merge=False):
	"""The relationship is named after its customer: follow a rename (or a merge into a customer without
	one), then recompute the figures of the customer that now holds the documents."""
	if frappe.db.exists("Customer Relationship", old_name):
		frappe.rename_doc("Customer Relationship", old_name, new_name, force=True, show_alert=False)
	elif not frappe.db.exists("Customer Relationship", new_name):
		return
	from crm_plus.touchpoints import relationship

	relationship.refresh([new_name])
