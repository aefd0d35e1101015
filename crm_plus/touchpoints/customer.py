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


def after_rename(doc, method=None, old_name=None, new_name=None, merge=False):
	"""The relationship is named after its customer: follow a rename or merge."""
	if not frappe.db.exists("Customer Relationship", old_name):
		return
	if merge and frappe.db.exists("Customer Relationship", new_name):
		frappe.delete_doc("Customer Relationship", old_name, ignore_permissions=True, force=True)
	else:
		frappe.rename_doc("Customer Relationship", old_name, new_name, force=True, show_alert=False)
	from crm_plus.touchpoints import relationship

	relationship.refresh([new_name])
