"""Install and uninstall: roles, settings defaults. Uninstall leaves ERPNext data untouched."""

import frappe

ROLES = ("CRM Manager", "CRM User")


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
	install_lifecycle_examples()


def after_migrate():
	before_install()
	install_lifecycle_examples()


def install_lifecycle_examples():
	from crm_plus.lifecycle import examples

	examples.install()


def before_uninstall():
	"""Drop what crm_plus added outside its own doctypes (which Frappe removes itself)."""
	frappe.db.delete("Has Role", {"role": ("in", ROLES)})
	for role in ROLES:
		frappe.delete_doc("Role", role, ignore_permissions=True, force=True, ignore_missing=True)
