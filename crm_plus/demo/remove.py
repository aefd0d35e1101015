"""Take the demo away and leave no trace.

The registry lists what the demo made in creation order; removal goes in reverse: submitted documents
are cancelled through their controllers, then deleted together with their ledger entries (GL, Payment
Ledger, Stock Ledger), customers take their crm_plus records with them (``touchpoints/customer.py``),
the shipped lifecycle rules go back to how the demo found them, and the company goes last, after every
row that still names it (accounts, cost centers, warehouses, defaults), as ERPNext's own
"Delete Company Transactions" does."""

from collections.abc import Callable

import frappe
from frappe.utils import now_datetime

from crm_plus.demo.registry import COMPANY, PREFIX, Registry, commit, locked

# ledger rows a document leaves behind (by voucher), deleted with it
LEDGERS = ("GL Entry", "Payment Ledger Entry", "Stock Ledger Entry")
# rows that point at a demo document by (reference doctype, reference name)
REFERENCES = (
	("ToDo", "reference_type", "reference_name"),
	("Comment", "reference_doctype", "reference_name"),
	("Communication", "reference_doctype", "reference_name"),
	("Notification Log", "document_type", "document_name"),
	("Energy Point Log", "reference_doctype", "reference_name"),
	# Frappe v16 logs each change of a user's roles (not in v15: a table that is missing is skipped)
	("Permission Log", "for_doctype", "for_document"),
	("Version", "ref_doctype", "docname"),
	("Email Queue", "reference_doctype", "reference_name"),
	("Repost Item Valuation", "voucher_type", "voucher_no"),
	("Repost Payment Ledger Items", "voucher_type", "voucher_no"),
)
# the demo company's documents, in the order they depend on each other (payments on invoices on deliveries)
TRANSACTIONS = (
	"Payment Entry",
	"Dunning",
	"Sales Invoice",
	"Delivery Note",
	"Sales Order",
	"Quotation",
	"Stock Entry",
)
# crm_plus records that go with a demo customer (their names are not in the registry)
OWN_RECORDS = (
	"Customer Touchpoint",
	"Customer Relationship",
	"Lifecycle Alert",
	"Customer Stage Change",
	"Customer Segment History",
	"CRM Adoption Score",
	"CRM Adoption Reward",
	"ToDo",
)
# removed before anything else: they name demo documents that would otherwise block deletion
FIRST = ("CRM Adoption Program",)


def remove(progress: Callable[[int, int], None] | None = None) -> int:
	"""Remove everything the demo made; returns how many records were removed (0: no demo here)."""
	with locked():
		return _remove(progress)


def _remove(progress) -> int:
	registry = Registry.load()
	if not registry:
		return 0
	since = now_datetime()
	frappe.set_user("Administrator")
	frappe.flags.crm_plus_demo_removing = True
	records = _unlisted(registry) + list(reversed(registry.records))
	records.sort(key=lambda r: r[0] not in FIRST)  # stable: reverse creation order otherwise
	try:
		for done, (doctype, name) in enumerate(records, start=1):
			_retrying(_drop, doctype, name)
			if progress:
				progress(done, len(records))
		_retrying(_restore_rules, registry)
		if ["Company", COMPANY] in registry.records and frappe.db.exists("Company", COMPANY):
			_retrying(_drop_company, COMPANY)
		_forget_deletions(
			since,
			{doctype for doctype, _name in registry.records} | {"Notification Settings"},
			{name for _doctype, name in registry.records},
		)
		Registry.clear()
		commit()
	finally:
		frappe.flags.crm_plus_demo_removing = False
	return len(records)


def _unlisted(registry: Registry) -> list[list[str]]:
	"""Documents of the demo company (or demo customers) that the registry does not list, newest first:
	what an interrupted run made after its last saved step. Removing them first heals such a site."""
	listed = {tuple(record) for record in registry.records}
	found = []
	for doctype in TRANSACTIONS:
		for name, creation in frappe.db.get_values(doctype, {"company": COMPANY}, ["name", "creation"]):
			if (doctype, name) not in listed:
				found.append((creation, doctype, name))
	for name, creation in frappe.db.get_values(
		"Customer", {"name": ("like", f"{PREFIX}%")}, ["name", "creation"]
	):
		if ("Customer", name) not in listed:
			found.append((creation, "Customer", name))
	return [[doctype, name] for _creation, doctype, name in sorted(found, reverse=True)]


def _retrying(fn, *args, attempts: int = 3):
	"""Run one record's removal (its own transaction); again when it lost a deadlock to someone else."""
	for attempt in range(attempts):
		try:
			return fn(*args)
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise


def _drop(doctype: str, name: str) -> None:
	if doctype == "Company" or not frappe.db.exists(doctype, name):
		return
	meta = frappe.get_meta(doctype)
	if meta.is_submittable and frappe.db.get_value(doctype, name, "docstatus") == 1:
		try:
			doc = frappe.get_doc(doctype, name)
		except frappe.DoesNotExistError:  # gone meanwhile
			return
		doc.flags.ignore_permissions = True
		doc.cancel()
	_dependants(doctype, name)
	frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	for ledger in LEDGERS:
		_delete(ledger, {"voucher_type": doctype, "voucher_no": name})
	_delete("Payment Ledger Entry", {"against_voucher_type": doctype, "against_voucher_no": name})
	_references(doctype, [name])
	commit()


def _references(doctype: str, names: list[str]) -> None:
	"""ToDos, comments, notifications, versions and the like that point at these documents."""
	if not names:
		return
	for table, type_field, name_field in REFERENCES:
		if frappe.db.table_exists(table):
			_delete(table, {type_field: doctype, name_field: ("in", names)})


def _delete(doctype: str, filters: dict, with_children: bool = False) -> int:
	"""Delete rows by primary key after a plain (non-locking) SELECT of their names: a ``DELETE ... WHERE``
	on an unindexed column would lock every row it scans, holding up whoever writes that table."""
	names = frappe.db.get_values(doctype, filters, "name", pluck=True)
	for batch in range(0, len(names), 500):
		chunk = names[batch : batch + 500]
		if with_children:
			for field in frappe.get_meta(doctype).get_table_fields():
				_delete(field.options, {"parenttype": doctype, "parent": ("in", chunk)})
		frappe.db.delete(doctype, {"name": ("in", chunk)})
		if doctype == "ToDo":  # a ToDo closed by the demo's engines has a Version of its own
			_delete("Version", {"ref_doctype": "ToDo", "docname": ("in", chunk)})
	return len(names)


def _forget_deletions(since, doctypes: set[str], names: set[str]) -> None:
	"""What Frappe notes when it deletes a document: the activity feed's "Deleted" comment and, for
	documents deleted along with another (a user's Notification Settings), the Deleted Document copy."""
	endings = tuple(f" {name}" for name in names)
	for comment, doctype, subject in frappe.db.get_values(
		"Comment",
		{"comment_type": "Deleted", "creation": (">=", since)},
		["name", "reference_doctype", "subject"],
	):
		if doctype in OWN_RECORDS or (doctype in doctypes and (subject or "").endswith(endings)):
			frappe.db.delete("Comment", {"name": comment})
	for row, name in frappe.db.get_values(
		"Deleted Document", {"creation": (">=", since)}, ["name", "deleted_name"]
	):
		if name in names:
			frappe.db.delete("Deleted Document", {"name": row})


def _dependants(doctype: str, name: str) -> None:
	"""Records the demo's engines made for a demo record, not listed in the registry themselves."""
	if doctype == "CRM Adoption Program":
		for child in ("CRM Adoption Reward", "CRM Adoption Score"):
			if frappe.db.table_exists(child):
				for row in frappe.get_all(child, filters={"program": name}, pluck="name"):
					frappe.delete_doc(
						child, row, force=True, ignore_permissions=True, delete_permanently=True
					)
	elif doctype == "Feedback Survey":
		# answers the demo did not make itself (a customer answered a survey e-mail), with their answer
		# rows, and the invitations it sent
		for child in ("Feedback Response", "Feedback Invitation"):
			for row in frappe.get_all(child, filters={"survey": name}, pluck="name"):
				_references(child, [str(row)])
				frappe.delete_doc(child, row, force=True, ignore_permissions=True, delete_permanently=True)
	elif doctype == "Customer":
		# what points at the customer's crm_plus records (the records themselves go with the customer)
		for own in OWN_RECORDS:
			if own != "ToDo" and frappe.db.table_exists(own) and frappe.db.has_column(own, "customer"):
				_references(own, frappe.get_all(own, filters={"customer": name}, pluck="name"))
	elif doctype == "User":
		_delete("ToDo", {"allocated_to": name})
		_delete("Notification Log", {"for_user": name})
		# the Contact Frappe makes for a new user (at once under test, else in a job); deleting the user
		# would only unlink it
		_delete("Contact", {"user": name}, with_children=True)
		# the user's own defaults (Frappe sets a new user's time zone as one), which deleting the user keeps
		_delete("DefaultValue", {"parent": name})


def _restore_rules(registry: Registry) -> None:
	"""The shipped lifecycle rules, and the site's e-mail queue, as the demo found them."""
	if registry.suspended_email:
		frappe.db.set_default("suspend_email_queue", 0)
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
		_delete(row.parent, {row.fieldname: company}, with_children=True)
	warehouses = frappe.get_all("Warehouse", filters={"company": company}, pluck="name")
	if warehouses:
		_delete("Bin", {"warehouse": ("in", warehouses)})
	frappe.delete_doc("Company", company, force=True, ignore_permissions=True, delete_permanently=True)
	_delete("DefaultValue", {"defkey": "company", "defvalue": company})
	# the default company of a site whose setup wizard the demo completed
	if frappe.db.get_single_value("Global Defaults", "default_company") == company:
		frappe.db.set_single_value("Global Defaults", "default_company", None)
	commit()
