"""Small helpers over ERPNext's own test factories, so every test works on its own fresh customer."""

from contextlib import contextmanager

import frappe
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
from erpnext.accounts.doctype.sales_invoice.test_sales_invoice import create_sales_invoice
from frappe.utils import nowdate

BANK = "_Test Bank - _TC"


def make_customer(account_manager: str | None = None, **extra) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"_CRM Test {frappe.generate_hash(length=8)}",
			"customer_group": "_Test Customer Group",
			"territory": "_Test Territory",
			"account_manager": account_manager,
			**extra,
		}
	).insert()
	return doc.name


def invoice(customer: str, rate: float = 100, qty: float = 1, **kwargs):
	"""A submitted Sales Invoice made by ERPNext's own factory."""
	return create_sales_invoice(customer=customer, rate=rate, qty=qty, **kwargs)


def credit_note(against, qty: float = -1, rate: float | None = None):
	return create_sales_invoice(
		customer=against.customer,
		is_return=1,
		return_against=against.name,
		qty=qty,
		rate=rate if rate is not None else against.items[0].rate,
		posting_date=against.posting_date,
		currency=against.currency,
		conversion_rate=against.conversion_rate,
		debit_to=against.debit_to,
	)


def pay(*invoices, posting_date=None, submit: bool = True):
	"""One Payment Entry that settles all the given invoices in full."""
	first, *rest = invoices
	pe = get_payment_entry("Sales Invoice", first.name, bank_account=BANK)
	for si in rest:
		pe.append(
			"references",
			{
				"reference_doctype": "Sales Invoice",
				"reference_name": si.name,
				"due_date": si.due_date,
				"total_amount": si.grand_total,
				"outstanding_amount": si.outstanding_amount,
				"allocated_amount": si.outstanding_amount,
			},
		)
	total = sum(si.outstanding_amount for si in invoices)
	pe.paid_amount = total
	pe.received_amount = total * (pe.source_exchange_rate or 1) / (pe.target_exchange_rate or 1)
	pe.reference_no = "CRM-TEST"
	pe.reference_date = posting_date or nowdate()
	if posting_date:
		pe.posting_date = posting_date
	pe.insert()
	if submit:
		pe.submit()
	return pe


def touchpoints(customer: str, **filters) -> list[dict]:
	return frappe.get_all(
		"Customer Touchpoint",
		filters={"customer": customer, **filters},
		fields=[
			"touchpoint_type",
			"status",
			"reference_doctype",
			"reference_name",
			"amount",
			"base_amount",
			"currency",
			"posting_date",
			"summary",
			"direction",
			"company",
		],
		order_by="name asc",
	)


def relationship(customer: str):
	return frappe.get_doc("Customer Relationship", customer)


# a desk role of Frappe itself on every line (v16 ships no Blogger), with no right to crm_plus's or ERPNext's
# records: a user with only this role is a desk user outside sales
OUTSIDER_ROLE = "Translator"


def make_user(*roles: str) -> str:
	"""A System User with these roles (and no others)."""
	email = f"crm-{frappe.generate_hash(length=8)}@example.com"
	user = frappe.get_doc({"doctype": "User", "email": email, "first_name": "CRM", "send_welcome_email": 0})
	if roles:
		user.append_roles(*roles)
	user.insert(ignore_permissions=True)
	return user.name


def make_customer_group() -> str:
	"""A fresh customer group, so a test's customers form a segment of their own."""
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"_CRM Test Group {frappe.generate_hash(length=8)}",
				"parent_customer_group": "All Customer Groups",
			}
		)
		.insert()
		.name
	)


def invoice_due(customer: str, rate: float, posting_date, due_date, qty: float = 1):
	"""A submitted Sales Invoice with its own due date (no payment terms)."""
	si = invoice(customer, rate=rate, qty=qty, posting_date=posting_date, do_not_submit=True)
	si.payment_schedule = []
	si.due_date = due_date
	si.save()
	si.submit()
	return si


def log_touchpoint(customer: str, touchpoint_type: str, direction: str, posting_date, created=None):
	"""A touchpoint logged by staff; ``created`` back-dates its creation time."""
	doc = frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": touchpoint_type,
			"direction": direction,
			"company": "_Test Company",  # not the site's default company
			"posting_date": posting_date,
		}
	).insert()
	if created:
		frappe.db.set_value("Customer Touchpoint", doc.name, "creation", created, update_modified=False)
	return doc.name


@contextmanager
def document_sharing_disabled():
	"""System Settings' "Disable Document Sharing" for the code run inside (Frappe then refuses to assign a
	user who may not read the document). Written in the test's transaction and held in this process's System
	Settings, which Frappe reads first: the shared cache is not to be trusted here, since tests running
	meanwhile on the same site refill it with the committed value."""
	frappe.db.set_single_value("System Settings", "disable_document_sharing", 1)
	frappe.local.system_settings = frappe.get_doc("System Settings")
	try:
		yield
	finally:
		frappe.db.set_single_value("System Settings", "disable_document_sharing", 0)
		frappe.local.system_settings = None


def forget_rate_limit(method: str, seconds: int, identity: str = "127.0.0.1") -> None:
	"""Forget the calls Frappe's ``rate_limit`` counted for a method from one address (every test on this
	machine calls from 127.0.0.1). Its key ends with the window's seconds on Frappe v16, not on v15."""
	key = f"rl:{method}:{identity}"
	frappe.cache.delete_value(key)
	frappe.cache.delete_value(f"{key}:{seconds}")
