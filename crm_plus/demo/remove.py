"""Take the demo away and leave no trace.

The registry lists what the demo made in creation order; removal goes in reverse: submitted documents
are cancelled through their controllers, then deleted together with their ledger entries (GL, Payment
Ledger, Stock Ledger), customers take their crm_plus records with them (``touchpoints/customer.py``),
the shipped lifecycle rules go back to how the demo found them, and the company goes last, after every
row that still names it (accounts, cost centers, warehouses, defaults), as ERPNext's own
"Delete Company Transactions" does."""

from collections.abc import Callable

import frappe

from crm_plus.demo.registry import COMPANY, Registry, commit

# ledger rows a document leaves behind (by voucher), deleted with it
LEDGERS = ("GL Entry", "Payment Ledger Entry", "Stock Ledger Entry")
# rows that point at a demo document by (reference doctype, reference name)
REFERENCES = (
	("ToDo", "reference_type", "reference_name"),
	("Comment", "reference_doctype", "reference_name"),
	("Communication", "reference_doctype", "reference_name"),
	("Notification Log", "document_type", "document_name"),
	("Energy Point Log", "reference_doctype", "reference_name"),
	("Version", "ref_doctype", "docname"),
	("Email Queue", "reference_doctype", "reference_name"),
	("Repost Item Valuation", "voucher_type", "voucher_no"),
	("Repost Payment Ledger Items", "voucher_type", "voucher_no"),
)
# removed before anything else: they name demo documents that would otherwise block deletion
FIRST = ("CRM Adoption Program",)


def remove(progress: Callable[[int, int], None] | None = None) -> int:
	"""Remove everything the demo made; returns how many records were removed (0: no demo here)."""
	registry = Registry.load()
	if not registry:
		return 0
	frappe.set_user("Administrator")
	frappe.flags.crm_plus_demo_removing = True
	records = list(reversed(registry.records))
	records.sort(key=lambda r: r[0] not in FIRST)  # stable: reverse creation order otherwise
	try:
		for done, (doctype, name) in enumerate(records, start=1):
			_drop(doctype, name)
			if progress:
				progress(done, len(records))
		_restore_rules(registry)
		if ["Company", COMPANY] in registry.records and frappe.db.exists("Company", COMPANY):
			_drop_company(COMPANY)
		Registry.clear()
		commit()
	finally:
		frappe.flags.crm_plus_demo_removing = False
	return len(records)


def _drop(doctype: str, name: str) -> None:
	if doctype == "Company" or not frappe.db.exists(doctype, name):
		return
	meta = frappe.get_meta(doctype)
	if meta.is_submittable and frappe.db.get_value(doctype, name, "docstatus") == 1:
		doc = frappe.get_doc(doctype, name)
		doc.flags.ignore_permissions = True
		doc.cancel()
	_dependants(doctype, name)
	frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	for ledger in LEDGERS:
		_delete(ledger, {"voucher_type": doctype, "voucher_no": name})
	_delete("Payment Ledger Entry", {"against_voucher_type": doctype, "against_voucher_no": name})
	for table, type_field, name_field in REFERENCES:
		if frappe.db.table_exists(table):
			_delete(table, {type_field: doctype, name_field: name})
	commit()


def _delete(doctype: str, filters: dict) -> int:
	"""Delete rows by primary key after a plain (non-locking) SELECT of their names: a ``DELETE ... WHERE``
	on an unindexed column would lock every row it scans, holding up whoever writes that table."""
	names = frappe.get_all(doctype, filters=filters, pluck="name")
	for batch in range(0, len(names), 500):
		frappe.db.delete(doctype, {"name": ("in", names[batch : batch + 500])})
	return len(names)


def _dependants(doctype: str, name: str) -> None:
	"""Records the demo's engines made for a demo record, not listed in the registry themselves."""
	if doctype == "CRM Adoption Program":
		for child in ("CRM Adoption Reward", "CRM Adoption Score"):
			if frappe.db.table_exists(child):
				for row in frappe.get_all(child, filters={"program": name}, pluck="name"):
					frappe.delete_doc(
						child, row, force=True, ignore_permissions=True, delete_permanently=True
					)
	elif doctype == "Customer":
		# the lifecycle alerts' ToDos (the alerts themselves go with the customer)
		alerts = frappe.get_all("Lifecycle Alert", filters={"customer": name}, pluck="name")
		if alerts:
			_delete("ToDo", {"reference_type": "Lifecycle Alert", "reference_name": ("in", alerts)})
		_delete("ToDo", {"reference_type": "Customer", "reference_name": name})
	elif doctype == "User":
		_delete("ToDo", {"allocated_to": name})


def _restore_rules(registry: Registry) -> None:
	for title in registry.enabled_rules:
		if frappe.db.exists("Lifecycle Rule", title):
			frappe.db.set_value("Lifecycle Rule", title, "enabled", 0)
	for title in registry.created_rules:
		if frappe.db.exists("Lifecycle Rule", title):
			for alert in frappe.get_all("Lifecycle Alert", filters={"rule": title}, pluck="name"):
				_delete("ToDo", {"reference_type": "Lifecycle Alert", "reference_name": alert})
				frappe.delete_doc("Lifecycle Alert", alert, force=True, ignore_permissions=True)
			frappe.delete_doc("Lifecycle Rule", title, force=True, ignore_permissions=True)
	commit()


def _drop_company(company: str) -> None:
	"""Every row still naming the company (its accounts, cost centers, warehouses, defaults, bins), then
	the company through its own controller."""
	links = frappe.get_all(
		"DocField",
		filters={"fieldtype": "Link", "options": "Company"},
		fields=["parent", "fieldname"],
	) + frappe.get_all(
		"Custom Field",
		filters={"fieldtype": "Link", "options": "Company"},
		fields=["dt as parent", "fieldname"],
	)
	singles = set(frappe.get_all("DocType", filters={"issingle": 1}, pluck="name"))
	for row in links:
		if row.parent in ("Company",) or row.parent in singles or not frappe.db.table_exists(row.parent):
			continue
		if not frappe.db.has_column(row.parent, row.fieldname):
			continue
		_delete(row.parent, {row.fieldname: company})
	warehouses = frappe.get_all("Warehouse", filters={"company": company}, pluck="name")
	if warehouses:
		_delete("Bin", {"warehouse": ("in", warehouses)})
	frappe.delete_doc("Company", company, force=True, ignore_permissions=True, delete_permanently=True)
	_delete("DefaultValue", {"defkey": "company", "defvalue": company})
	commit()
