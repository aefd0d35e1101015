"""Access to ERPNext's Competitor for crm_plus's roles (Role Permission Manager rows, removed on uninstall).

CRM Users read competitors so they can pick one on a note; CRM Managers also create them (ERPNext lets
only Sales Master Managers do so). Frappe copies the standard permissions into Custom DocPerm first, so
ERPNext's own roles keep theirs.
"""

import frappe
from frappe.permissions import add_permission, update_permission_property

COMPETITOR_ACCESS = {
	"CRM User": ("read",),
	"CRM Manager": ("read", "create", "write", "report", "export"),
}


def add_competitor_permissions() -> None:
	if not frappe.db.exists("DocType", "Competitor"):
		return
	for role, rights in COMPETITOR_ACCESS.items():
		if not frappe.db.exists("Role", role):
			continue
		if frappe.db.exists("Custom DocPerm", {"parent": "Competitor", "role": role, "permlevel": 0}):
			continue  # set up before: an administrator may have changed it since
		add_permission("Competitor", role, 0)
		for right in rights:
			update_permission_property("Competitor", role, 0, right, 1, validate=False)


def remove_competitor_permissions() -> None:
	frappe.db.delete("Custom DocPerm", {"parent": "Competitor", "role": ("in", list(COMPETITOR_ACCESS))})
	frappe.clear_cache(doctype="Competitor")
