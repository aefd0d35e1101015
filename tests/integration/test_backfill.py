"""Backfill then reconciliation makes the same records the live hooks make."""

import frappe
from frappe.utils import add_days, nowdate

from crm_plus.touchpoints import backfill, reconcile
from crm_plus.touchpoints.sources import COLUMNS
from tests.integration.factories import credit_note, invoice, make_customer, pay

# everything but the bookkeeping columns (creation and modified differ between the runs)
COMPARED = tuple(c for c in COLUMNS if c not in ("owner", "modified_by", "creation", "modified"))
FIGURES = (
	"lifetime_revenue",
	"invoice_count",
	"first_purchase_date",
	"last_purchase_date",
	"last_payment_date",
	"outstanding_amount",
	"overdue_amount",
	"avg_days_to_pay",
	"touchpoints_90d",
	"last_touchpoint_date",
)


def _history(customer):
	si1 = invoice(customer, rate=100, posting_date=add_days(nowdate(), -20))
	si2 = invoice(customer, rate=250, posting_date=add_days(nowdate(), -5))
	credit_note(si2, qty=-1, rate=50)
	pay(si1)
	cancelled = invoice(customer, rate=75)
	cancelled.cancel()


def _snapshot(customer):
	rows = frappe.get_all(
		"Customer Touchpoint",
		filters={"customer": customer},
		fields=list(COMPARED),
		order_by="reference_name, touchpoint_type",
	)
	rel = frappe.db.get_value("Customer Relationship", customer, list(FIGURES), as_dict=True)
	return [tuple(r.values()) for r in rows], rel


def test_backfill_and_reconcile_rebuild_what_live_hooks_wrote():
	customer = make_customer()
	_history(customer)
	reconcile.reconcile()  # the daily job adds what no hook can: the "became overdue" touchpoint
	live = _snapshot(customer)
	# 3 invoices (1 cancelled), 1 credit note, 1 payment, 1 overdue (the part-credited invoice)
	assert len(live[0]) == 6

	frappe.db.delete("Customer Touchpoint", {"customer": customer})
	frappe.db.delete("Customer Relationship", {"customer": customer})
	written = backfill.backfill(chunk=2, restart=True)
	assert written["Sales Invoice"] >= 3 and written["Payment Entry"] >= 1
	reconcile.reconcile()

	rows, rel = _snapshot(customer)
	assert rows == live[0]
	assert rel == live[1]


def test_backfill_is_idempotent():
	customer = make_customer()
	_history(customer)
	reconcile.reconcile()
	before = _snapshot(customer)
	written = backfill.backfill(restart=True)
	assert sum(v for k, v in written.items() if k != "Overdue") == 0
	rows, rel = _snapshot(customer)
	assert rows == before[0]
	assert rel == before[1]


def test_history_made_with_touchpoints_switched_off_is_backfilled():
	settings = frappe.get_single("CRM Plus Settings")
	settings.enable_touchpoints = 0
	settings.save()
	customer = make_customer()
	si = invoice(customer, rate=100)
	assert not frappe.db.exists("Customer Touchpoint", {"customer": customer})

	settings.enable_touchpoints = 1
	settings.save()
	backfill.backfill(restart=True)
	assert frappe.db.get_value(
		"Customer Touchpoint", {"reference_name": si.name}, ["touchpoint_type", "status"]
	) == ("Invoice", "Active")
	assert frappe.db.get_value("Customer Relationship", customer, "invoice_count") == 1
