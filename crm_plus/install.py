"""Install and uninstall: roles, settings defaults. Uninstall leaves ERPNext data untouched."""

import frappe

ROLES = ("CRM Manager", "CRM User")

# Indexes crm_plus adds to ERPNext tables for its hot filters: relationship refreshes and lifecycle
# conditions aggregate customers' submitted invoices by customer, by date, or unpaid. Each covers its
# queries (company included, as rules may filter by it), so they read the index only. Dropped again on
# uninstall.
ERPNEXT_INDEXES = {
	"Sales Invoice": {
		"crm_plus_customer_history": ("customer", "docstatus", "is_return", "company", "posting_date"),
		# insights: RFM per company and customer (revenue included, so the nightly recompute reads only this)
		"crm_plus_customer_revenue": (
			"docstatus",
			"company",
			"customer",
			"is_return",
			"posting_date",
			"base_net_total",
		),
		"crm_plus_history_by_date": ("docstatus", "is_return", "posting_date", "customer", "company"),
		"crm_plus_unpaid": (
			"docstatus",
			"is_return",
			"outstanding_amount",
			"due_date",
			"customer",
			"company",
			"party_account_currency",
			"currency",
			"conversion_rate",
		),
		# insights: the Collections Follow-up chart groups every unpaid invoice by customer; in customer
		# order the grouping streams through this index instead of a temporary table of 90,000 customers
		# (customer first, so queries without a customer filter keep using crm_plus_unpaid)
		"crm_plus_unpaid_by_customer": (
			"customer",
			"docstatus",
			"is_return",
			"outstanding_amount",
			"due_date",
			"company",
			"party_account_currency",
			"currency",
			"conversion_rate",
		),
	},
}
# earlier definitions, dropped on migrate
OBSOLETE_INDEXES = {"Sales Invoice": ("crm_plus_customer_purchases", "crm_plus_purchases_by_date")}


def before_install():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def after_install():
	settings = frappe.get_single("CRM Plus Settings")
	settings.enable_touchpoints = 1
	settings.overdue_touchpoints = 1
	settings.save(ignore_permissions=True)
	add_erpnext_indexes()
	install_lifecycle_examples()
	install_feedback_defaults()
	add_competitor_permissions()
	add_support_permissions()


def after_migrate():
	before_install()
	drop_erpnext_indexes(OBSOLETE_INDEXES)
	add_erpnext_indexes()
	install_lifecycle_examples()
	install_feedback_defaults()
	add_competitor_permissions()
	add_support_permissions()


def add_erpnext_indexes():
	for doctype, indexes in ERPNEXT_INDEXES.items():
		for name, columns in indexes.items():
			frappe.db.add_index(doctype, list(columns), index_name=name)


def drop_erpnext_indexes(indexes_by_doctype=None):
	for doctype, indexes in (indexes_by_doctype or ERPNEXT_INDEXES).items():
		for name in indexes:
			if frappe.db.has_index(f"tab{doctype}", name):
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")


def install_feedback_defaults():
	from crm_plus.feedback import setup

	setup.install_defaults()


def install_lifecycle_examples():
	from crm_plus.lifecycle import examples

	examples.install()


def add_competitor_permissions():
	from crm_plus.competitors.setup import add_competitor_permissions

	add_competitor_permissions()


def add_support_permissions():
	from crm_plus.feedback.support import add_support_permissions

	add_support_permissions()


def before_uninstall():
	"""Drop what crm_plus added outside its own doctypes (which Frappe removes itself)."""
	drop_erpnext_indexes()
	from crm_plus.competitors.setup import remove_competitor_permissions

	remove_competitor_permissions()
	from crm_plus.feedback.support import remove_support_permissions

	remove_support_permissions()
	from crm_plus.feedback.setup import remove_defaults

	remove_defaults()
	frappe.db.delete("Has Role", {"role": ("in", ROLES)})
	for role in ROLES:
		frappe.delete_doc("Role", role, ignore_permissions=True, force=True, ignore_missing=True)
