"""Quotation, Sales Order, Delivery Note, Journal Entry and Dunning touchpoints, and every source at once."""

import frappe
from erpnext.accounts.doctype.sales_invoice.sales_invoice import create_dunning
from erpnext.selling.doctype.quotation.test_quotation import make_quotation
from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note
from erpnext.selling.doctype.sales_order.test_sales_order import make_sales_order
from frappe.utils import add_days, flt, nowdate

from crm_plus.touchpoints import backfill, reconcile
from crm_plus.touchpoints.kinds import SOURCE_DOCTYPES
from crm_plus.touchpoints.sources import SOURCES
from tests.integration.factories import invoice, invoice_due, make_customer, pay, touchpoints


def test_customer_quotation_is_a_touchpoint_lead_quotation_is_not():
	customer = make_customer()
	qtn = make_quotation(party_name=customer, qty=2, rate=150)
	rows = touchpoints(customer)
	assert [(r.touchpoint_type, r.reference_name, flt(r.amount)) for r in rows] == [
		("Quotation", qtn.name, 300)
	]

	lead = frappe.get_doc(
		{"doctype": "Lead", "lead_name": "CRM Plus Lead", "company_name": "Lead Co"}
	).insert()
	lead_qtn = make_quotation(party_name=lead.name, do_not_save=True)
	lead_qtn.quotation_to = "Lead"
	lead_qtn.insert()
	lead_qtn.submit()
	assert not frappe.db.exists("Customer Touchpoint", {"reference_name": lead_qtn.name})


def test_sales_order_and_delivery_note_are_touchpoints():
	customer = make_customer()
	so = make_sales_order(customer=customer, qty=3, rate=100)
	dn = make_delivery_note(so.name)
	dn.insert()
	dn.submit()
	got = sorted((r.touchpoint_type, r.reference_name, flt(r.amount)) for r in touchpoints(customer))
	assert got == sorted([("Sales Order", so.name, 300), ("Delivery", dn.name, 300)])


def _journal_entry(*rows):
	je = frappe.new_doc("Journal Entry")
	je.company = "_Test Company"
	je.posting_date = nowdate()
	for row in rows:
		je.append("accounts", {"cost_center": "_Test Cost Center - _TC", **row})
	je.insert()
	je.submit()
	return je


def test_journal_entry_settling_an_invoice_is_a_collection():
	customer = make_customer()
	si = invoice(customer, rate=400)
	_journal_entry(
		{
			"account": "Debtors - _TC",
			"party_type": "Customer",
			"party": customer,
			"credit_in_account_currency": 400,
			"reference_type": "Sales Invoice",
			"reference_name": si.name,
		},
		{"account": "_Test Bank - _TC", "debit_in_account_currency": 400},
	)

	rows = touchpoints(customer, reference_doctype="Journal Entry")
	assert [(r.touchpoint_type, r.direction, flt(r.base_amount), r.summary) for r in rows] == [
		("Payment", "Inbound", 400, si.name)
	]
	rel = frappe.get_doc("Customer Relationship", customer)
	assert flt(rel.outstanding_amount) == 0 and rel.last_payment_date

	# a journal entry that touches no customer invoice is not a touchpoint
	other = _journal_entry(
		{"account": "_Test Bank - _TC", "debit_in_account_currency": 10},
		{"account": "_Test Cash - _TC", "credit_in_account_currency": 10},
	)
	assert not frappe.db.exists("Customer Touchpoint", {"reference_name": other.name})


def test_dunning_is_a_collection_touchpoint():
	customer = make_customer()
	si = invoice(customer, rate=100, posting_date=add_days(nowdate(), -60), do_not_submit=True)
	si.due_date = add_days(nowdate(), -30)
	si.payment_schedule = []
	si.save()
	si.submit()
	dunning = create_dunning(si.name)
	dunning.insert()
	dunning.submit()

	rows = touchpoints(customer, touchpoint_type="Dunning")
	assert [(r.reference_name, r.summary, r.direction) for r in rows] == [(dunning.name, si.name, "Outbound")]
	assert flt(rows[0].amount) == flt(dunning.grand_total)
	dunning.cancel()
	assert touchpoints(customer, touchpoint_type="Dunning")[0].status == "Cancelled"


def test_every_source_is_a_touchpoint_live_and_rebuilt_with_no_error_logged():
	"""On either line of ERPNext (v16's selling documents have no title): each source's live hook, the
	backfill and the reconciliation write the same touchpoints, and nothing lands in the Error Log."""
	errors = frappe.db.count("Error Log")
	customer = make_customer()
	make_quotation(party_name=customer, qty=1, rate=100)
	so = make_sales_order(customer=customer, qty=1, rate=200)
	dn = make_delivery_note(so.name)
	dn.insert()
	dn.submit()
	overdue = invoice_due(customer, 300, add_days(nowdate(), -60), add_days(nowdate(), -30))
	dunning = create_dunning(overdue.name)
	dunning.insert()
	dunning.submit()
	pay(invoice(customer, rate=400))
	settled = invoice(customer, rate=500)
	_journal_entry(
		{
			"account": "Debtors - _TC",
			"party_type": "Customer",
			"party": customer,
			"credit_in_account_currency": 500,
			"reference_type": "Sales Invoice",
			"reference_name": settled.name,
		},
		{"account": "_Test Bank - _TC", "debit_in_account_currency": 500},
	)
	reconcile.reconcile()
	live = _rows(customer)
	# the billing sources (contacts and service: test_touchpoint_contacts.py, test_touchpoint_service.py)
	assert {row[0] for row in live} == set(SOURCE_DOCTYPES) - {"Maintenance Visit"}
	assert ("Quotation", frappe.db.get_value("Customer", customer, "customer_name")) in {
		(row[0], row[2]) for row in live
	}

	frappe.db.delete("Customer Touchpoint", {"customer": customer})
	backfill.backfill(restart=True)
	reconcile.reconcile()
	assert _rows(customer) == live
	assert frappe.db.count("Error Log") == errors


def _rows(customer):
	return sorted(
		(r.reference_doctype, r.touchpoint_type, r.summary, flt(r.amount), r.status)
		for r in frappe.get_all(
			"Customer Touchpoint",
			filters={"customer": customer},
			fields=["reference_doctype", "touchpoint_type", "summary", "amount", "status"],
		)
	)


def test_the_registry_finds_every_source_module_in_the_order_a_sale_runs():
	"""Sources are small modules of ``touchpoints/sources/``: the registry finds each one, submitted documents
	in the order of ``kinds.SOURCE_DOCTYPES``, then saved ones, and every doctype it names has a live hook."""
	from crm_plus import hooks
	from crm_plus.touchpoints.kinds import SAVED_SOURCE_DOCTYPES
	from crm_plus.touchpoints.sources import get_source, registry

	assert list(registry()) == list(SOURCE_DOCTYPES + SAVED_SOURCE_DOCTYPES)
	assert list(SOURCES) == list(SOURCE_DOCTYPES + SAVED_SOURCE_DOCTYPES)
	assert get_source("Sales Invoice").doctype == "Sales Invoice"
	assert get_source("Customer") is None
	for doctype in SOURCE_DOCTYPES:
		assert not SOURCES[doctype].saved
		assert hooks.doc_events[doctype]["on_submit"] == "crm_plus.touchpoints.events.on_submit"
	for doctype in SAVED_SOURCE_DOCTYPES:
		assert SOURCES[doctype].saved
		assert hooks.doc_events[doctype]["on_update"] == "crm_plus.touchpoints.events.on_save"
