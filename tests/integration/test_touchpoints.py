"""Billing and collections become touchpoints and relationship figures, through ERPNext's own documents."""

import frappe
import pytest
from frappe.utils import add_days, flt, getdate, nowdate

from crm_plus.touchpoints import events
from tests.integration.factories import credit_note, invoice, make_customer, pay, relationship, touchpoints


def types(rows):
	return sorted((r.touchpoint_type, r.status, r.reference_name) for r in rows)


def test_invoice_submit_records_one_touchpoint_and_relationship():
	customer = make_customer()
	si = invoice(customer, rate=250, qty=2)

	rows = touchpoints(customer)
	assert types(rows) == [("Invoice", "Active", si.name)]
	row = rows[0]
	assert row.reference_doctype == "Sales Invoice"
	assert flt(row.amount) == 500 and flt(row.base_amount) == 500 and row.currency == "INR"
	assert row.direction == "Outbound" and row.company == "_Test Company"

	rel = relationship(customer)
	assert flt(rel.lifetime_revenue) == 500
	assert rel.invoice_count == 1
	assert getdate(rel.first_purchase_date) == getdate(si.posting_date) == getdate(rel.last_purchase_date)
	assert flt(rel.outstanding_amount) == 500
	assert rel.last_touchpoint_date and rel.touchpoints_90d == 1


def test_handler_called_twice_writes_one_touchpoint():
	customer = make_customer()
	si = invoice(customer)
	events.on_submit(si)
	events.on_submit(si)
	assert len(touchpoints(customer)) == 1
	assert relationship(customer).invoice_count == 1


def test_unique_key_is_enforced_by_the_database():
	customer = make_customer()
	si = invoice(customer)
	with pytest.raises(Exception) as raised:
		frappe.db.sql(
			"""insert into `tabCustomer Touchpoint` (name, customer, touchpoint_type, reference_doctype,
			reference_name, posting_date, status) values (%s, %s, 'Invoice', 'Sales Invoice', %s, %s, 'Active')""",
			(frappe.db.get_next_sequence_val("Customer Touchpoint"), customer, si.name, nowdate()),
		)
	assert frappe.db.is_unique_key_violation(raised.value)


def test_return_is_a_credit_note_and_revenue_is_net():
	customer = make_customer()
	si = invoice(customer, rate=100, qty=5)
	cn = credit_note(si, qty=-2)

	assert types(touchpoints(customer)) == sorted(
		[("Invoice", "Active", si.name), ("Credit Note", "Active", cn.name)]
	)
	cn_row = touchpoints(customer, touchpoint_type="Credit Note")[0]
	assert flt(cn_row.base_amount) == -200
	rel = relationship(customer)
	assert flt(rel.lifetime_revenue) == 300  # 500 invoiced - 200 credited
	assert rel.invoice_count == 1  # a return is not a purchase
	assert flt(rel.outstanding_amount) == 300


def test_cancel_marks_cancelled_and_recomputes_then_amend_gets_its_own():
	customer = make_customer()
	si = invoice(customer, rate=100)
	si.cancel()

	assert types(touchpoints(customer)) == [("Invoice", "Cancelled", si.name)]
	rel = relationship(customer)
	assert flt(rel.lifetime_revenue) == 0 and rel.invoice_count == 0 and not rel.last_purchase_date

	amended = frappe.copy_doc(si)
	amended.amended_from = si.name
	amended.docstatus = 0
	amended.insert()
	amended.submit()
	assert types(touchpoints(customer)) == sorted(
		[("Invoice", "Cancelled", si.name), ("Invoice", "Active", amended.name)]
	)
	assert relationship(customer).invoice_count == 1
	events.on_cancel(si)  # a repeated cancel event changes nothing
	assert len(touchpoints(customer)) == 2


def test_one_payment_against_several_invoices_is_one_touchpoint_naming_them():
	customer = make_customer()
	ten_days_ago = add_days(nowdate(), -10)
	si1 = invoice(customer, rate=100, posting_date=ten_days_ago)
	si2 = invoice(customer, rate=300, posting_date=ten_days_ago)
	pe = pay(si1, si2)

	rows = touchpoints(customer, touchpoint_type="Payment")
	assert len(rows) == 1
	assert rows[0].reference_name == pe.name and rows[0].direction == "Inbound"
	assert flt(rows[0].amount) == 400 and flt(rows[0].base_amount) == 400
	assert set(rows[0].summary.split(",")) == {si1.name, si2.name}

	rel = relationship(customer)
	assert flt(rel.outstanding_amount) == 0 and flt(rel.overdue_amount) == 0
	assert getdate(rel.last_payment_date) == getdate(pe.posting_date)
	assert flt(rel.avg_days_to_pay) == 10

	pe.cancel()
	assert touchpoints(customer, touchpoint_type="Payment")[0].status == "Cancelled"
	rel = relationship(customer)
	assert flt(rel.outstanding_amount) == 400 and not rel.last_payment_date and flt(rel.avg_days_to_pay) == 0


def test_refund_to_customer_is_a_refund_touchpoint():
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	customer = make_customer()
	si = invoice(customer, rate=100)
	pay(si)
	cn = credit_note(si, qty=-1)
	refund = get_payment_entry("Sales Invoice", cn.name, bank_account="_Test Bank - _TC")
	refund.reference_no, refund.reference_date = "REFUND", nowdate()
	refund.insert()
	refund.submit()

	rows = touchpoints(customer, touchpoint_type="Refund")
	assert [(r.reference_name, r.direction, flt(r.amount)) for r in rows] == [(refund.name, "Outbound", 100)]
	rel = relationship(customer)
	assert flt(rel.lifetime_revenue) == 0 and flt(rel.outstanding_amount) == 0


def test_multi_currency_invoice_and_payment_use_company_currency_figures():
	customer = make_customer(default_currency="USD")
	doc = frappe.get_doc("Customer", customer)
	doc.append("accounts", {"company": "_Test Company", "account": "_Test Receivable USD - _TC"})
	doc.save()
	si = invoice(
		customer, rate=100, currency="USD", conversion_rate=50, debit_to="_Test Receivable USD - _TC"
	)
	row = touchpoints(customer)[0]
	assert (row.currency, flt(row.amount), flt(row.base_amount)) == ("USD", 100, 5000)
	rel = relationship(customer)
	assert flt(rel.lifetime_revenue) == 5000 and flt(rel.outstanding_amount) == 5000

	pe = pay(si)
	prow = touchpoints(customer, touchpoint_type="Payment")[0]
	assert prow.currency == "USD" and flt(prow.amount) == 100
	assert flt(prow.base_amount) == flt(pe.base_paid_amount)
	assert flt(relationship(customer).outstanding_amount) == 0


def test_failing_handler_never_blocks_the_invoice_and_reconciliation_heals(monkeypatch):
	from crm_plus.touchpoints import reconcile, recorder

	customer = make_customer()

	def broken(*args):
		raise RuntimeError("touchpoint store unavailable")

	monkeypatch.setattr(recorder, "record", broken)
	errors_before = frappe.db.count("Error Log")
	si = invoice(customer, rate=120)
	assert frappe.db.get_value("Sales Invoice", si.name, "docstatus") == 1
	assert touchpoints(customer) == []
	assert frappe.db.count("Error Log") == errors_before + 1
	monkeypatch.undo()

	counts = reconcile.reconcile(refresh=False)
	assert counts["missing"] >= 1
	assert types(touchpoints(customer)) == [("Invoice", "Active", si.name)]


def test_a_handler_that_throws_shows_the_user_no_error_for_a_submitted_invoice(monkeypatch):
	from crm_plus.touchpoints import recorder

	customer = make_customer()

	def refusing(*args):
		frappe.throw("touchpoint store refused")

	monkeypatch.setattr(recorder, "record", refusing)
	frappe.local.message_log = []
	si = invoice(customer, rate=80)
	assert frappe.db.get_value("Sales Invoice", si.name, "docstatus") == 1
	assert not [m for m in frappe.local.message_log if "touchpoint store refused" in str(m)]
	assert frappe.get_all(
		"Error Log", filters={"reference_name": si.name, "error": ("like", "%touchpoint store refused%")}
	)


def test_reconciliation_cancels_touchpoints_of_cancelled_and_deleted_sources():
	from crm_plus.touchpoints import reconcile

	customer = make_customer()
	si = invoice(customer, rate=100)
	draft_then_deleted = invoice(customer, rate=50)
	# sources changed behind crm_plus's back (raw updates, no document events)
	frappe.db.set_value("Sales Invoice", si.name, "docstatus", 2)
	frappe.db.delete("Sales Invoice", {"name": draft_then_deleted.name})

	counts = reconcile.reconcile(refresh=False)
	assert types(touchpoints(customer)) == [("Invoice", "Cancelled", si.name)]
	assert counts["cancelled"] >= 1 and counts["deleted"] >= 1
	again = reconcile.reconcile(refresh=False)
	assert (again["cancelled"], again["deleted"]) == (0, 0)


def test_overdue_invoice_becomes_a_touchpoint_once_and_counts_as_overdue():
	from crm_plus.touchpoints import reconcile

	customer = make_customer()
	old = add_days(nowdate(), -40)
	si = invoice(customer, rate=100, posting_date=old, do_not_submit=True)
	si.due_date = add_days(old, 30)
	si.payment_schedule = []
	si.save()
	si.submit()
	assert flt(relationship(customer).overdue_amount) == 100

	reconcile.reconcile()
	reconcile.reconcile()
	rows = touchpoints(customer, touchpoint_type="Overdue")
	assert [(r.reference_name, flt(r.amount)) for r in rows] == [(si.name, 100)]
	# an overdue notice is not contact with the customer
	assert relationship(customer).touchpoints_90d == 1


def test_outside_tests_figures_are_refreshed_by_a_job_after_commit(monkeypatch):
	"""Submitting never waits for relationship figures: the touchpoint is written in the transaction,
	the refresh is queued to run after the commit."""
	queued = []
	monkeypatch.setattr(frappe.flags, "in_test", False)
	if hasattr(frappe, "in_test"):  # Frappe v16 reads test mode here
		monkeypatch.setattr(frappe, "in_test", False)
	monkeypatch.setattr(
		"frappe.utils.background_jobs.enqueue",
		lambda method, **kw: queued.append((method, kw)),
	)
	monkeypatch.setattr(frappe, "enqueue", lambda method, **kw: queued.append((method, kw)))
	customer = make_customer()
	si = invoice(customer, rate=100)
	monkeypatch.undo()

	assert types(touchpoints(customer)) == [("Invoice", "Active", si.name)]
	assert not frappe.db.exists("Customer Relationship", customer)
	refresh = [kw for method, kw in queued if method == "crm_plus.touchpoints.relationship.refresh"]
	assert refresh == [
		{"queue": "short", "enqueue_after_commit": True, "now": False, "customers": [customer]}
	]


def test_deleting_a_cancelled_invoice_is_never_blocked_and_frees_its_name():
	frappe.db.set_single_value("Accounts Settings", "delete_linked_ledger_entries", 1)
	customer = make_customer()
	si = invoice(customer, rate=100)
	si.cancel()
	frappe.delete_doc("Sales Invoice", si.name)
	assert touchpoints(customer) == []

	# Frappe reverts the naming series when the last document is deleted: the name comes back
	again = invoice(customer, rate=70)
	assert again.name == si.name
	assert types(touchpoints(customer)) == [("Invoice", "Active", again.name)]


def test_deleting_a_customer_takes_its_crm_records_and_renaming_moves_them():
	from crm_plus.touchpoints import relationship as rel

	customer = make_customer()
	frappe.get_doc(
		{"doctype": "Customer Touchpoint", "customer": customer, "touchpoint_type": "Call", "summary": "hi"}
	).insert()
	assert frappe.db.exists("Customer Relationship", customer)

	renamed = frappe.rename_doc("Customer", customer, f"{customer} Ltd", force=True)
	assert frappe.db.get_value("Customer Relationship", renamed, "customer") == renamed
	assert not frappe.db.exists("Customer Relationship", customer)
	assert frappe.db.count("Customer Touchpoint", {"customer": renamed}) == 1
	rel.refresh([renamed])

	frappe.delete_doc("Customer", renamed)
	assert not frappe.db.exists("Customer Relationship", renamed)
	assert frappe.db.count("Customer Touchpoint", {"customer": renamed}) == 0


def test_merging_a_customer_into_another_moves_its_records_without_duplicate_keys():
	"""ERPNext's "Merge with existing": both customers have a relationship and an alert of the same rule and
	cooldown window, each unique per customer; the merge keeps the target's and recomputes its figures."""
	from crm_plus.lifecycle import engine
	from tests.integration.lifecycle_helpers import bought, customer_in, fresh_group, make_rule

	group = fresh_group()
	old, target = customer_in(group), customer_in(group)
	old_invoice = bought(old, 10, rate=100)
	bought(target, 12, rate=50)
	rule = make_rule(group, "no_purchase", {"days": 5})
	engine.run_rule(rule.name)
	alerts = frappe.get_all("Lifecycle Alert", filters={"rule": rule.name}, pluck="customer")
	assert sorted(alerts) == sorted([old, target])
	target_alert = frappe.db.get_value("Lifecycle Alert", {"rule": rule.name, "customer": target})

	frappe.rename_doc("Customer", old, target, merge=True, force=True)

	assert not frappe.db.exists("Customer", old)
	assert not frappe.db.exists("Customer Relationship", old)
	assert frappe.get_all("Lifecycle Alert", filters={"rule": rule.name}, pluck="name") == [target_alert]
	assert frappe.db.get_value("Sales Invoice", old_invoice.name, "customer") == target
	assert ("Invoice", "Active", old_invoice.name) in types(touchpoints(target))
	figures = frappe.db.get_value(
		"Customer Relationship", target, ["invoice_count", "lifetime_revenue"], as_dict=True
	)
	assert (figures.invoice_count, figures.lifetime_revenue) == (2, 150)
