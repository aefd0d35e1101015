"""ERPNext's own operations on customers, documents, companies, users and competitors go through with
crm_plus installed, and leave crm_plus's records right: merge customers, delete them, delete a surveyed
document, delete a company's transactions, delete a user, rename a competitor."""

from datetime import date

import frappe
import pytest
from frappe.utils import flt, nowdate

from crm_plus.adoption import scores
from crm_plus.competitors import api as competitor_api
from crm_plus.lifecycle import engine
from tests.integration.competitor_helpers import lost_quotation, make_competitor
from tests.integration.factories import invoice, log_touchpoint, make_customer, make_user, pay, relationship
from tests.integration.feedback_helpers import invite, make_survey
from tests.integration.lifecycle_helpers import backdate_customer, customer_in, fresh_group, make_rule

COST_CENTER = "_Test Cost Center - _TC"


@pytest.fixture(autouse=True)
def many_users(monkeypatch):
	monkeypatch.setattr("frappe.core.doctype.user.user.throttle_user_creation", lambda: None)


def _settle(*invoices):
	"""One Journal Entry that settles invoices of several customers."""
	rows = [
		{
			"account": "Debtors - _TC",
			"party_type": "Customer",
			"party": si.customer,
			"credit_in_account_currency": si.grand_total,
			"reference_type": "Sales Invoice",
			"reference_name": si.name,
			"cost_center": COST_CENTER,
		}
		for si in invoices
	]
	bank = {
		"account": "_Test Bank - _TC",
		"debit_in_account_currency": sum(si.grand_total for si in invoices),
		"cost_center": COST_CENTER,
	}
	je = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"company": "_Test Company",
			"posting_date": nowdate(),
			"accounts": [*rows, bank],
		}
	).insert()
	je.submit()
	return je


def test_merging_customers_a_journal_entry_settled_together_records_it_once():
	old, target = make_customer(), make_customer()
	je = _settle(invoice(old, rate=100), invoice(target, rate=40))
	assert {
		t.customer for t in frappe.get_all("Customer Touchpoint", {"reference_name": je.name}, ["customer"])
	} == {
		old,
		target,
	}

	frappe.rename_doc("Customer", old, target, merge=True, force=True)

	rows = frappe.get_all(
		"Customer Touchpoint",
		filters={"reference_doctype": "Journal Entry", "reference_name": je.name},
		fields=["customer", "amount", "status"],
	)
	assert [(r.customer, r.amount, r.status) for r in rows] == [(target, 140, "Active")]


def test_deleting_a_customer_closes_its_alerts_todos():
	user = make_user("CRM User", "Sales User")
	group = fresh_group()
	customer = customer_in(group)
	backdate_customer(customer, 20)
	rule = make_rule(
		group,
		"few_followups",
		{"count": 2, "days": 7},
		action="Assign ToDo",
		responsible="User",
		responsible_user=user,
	)
	(alert,) = engine.run_rule(rule.name)
	todo = {"reference_type": "Lifecycle Alert", "reference_name": str(alert)}
	assert frappe.db.count("ToDo", todo) == 1

	frappe.delete_doc("Customer", customer)

	assert not frappe.db.exists("Lifecycle Alert", alert)
	assert frappe.db.count("ToDo", todo) == 0


def test_a_surveyed_customer_can_be_deleted_and_takes_its_invitations():
	customer = make_customer()
	_token, invitation = invite(make_survey(), customer, None, "prospect@example.com")

	frappe.delete_doc("Customer", customer)

	assert not frappe.db.exists("Customer", customer)
	assert not frappe.db.exists("Feedback Invitation", invitation)


def test_a_surveyed_invoice_can_be_deleted_and_lets_go_of_its_invitation():
	frappe.db.set_single_value("Accounts Settings", "delete_linked_ledger_entries", 1)
	survey = make_survey(trigger="Sales Invoice", delay_days=0, min_days_between=0)
	customer = make_customer()
	si = invoice(customer, rate=100)
	_token, invitation = invite(
		survey, customer, None, "buyer@example.com", reference_doctype="Sales Invoice", reference_name=si.name
	)
	si.reload()
	si.cancel()

	frappe.delete_doc("Sales Invoice", si.name)

	assert not frappe.db.exists("Sales Invoice", si.name)
	assert frappe.db.get_value(
		"Feedback Invitation", invitation, ["reference_doctype", "reference_name"]
	) == (
		None,
		None,
	)


def test_deleting_a_companys_transactions_keeps_crm_set_up():
	company = frappe.get_doc(
		{
			"doctype": "Company",
			"company_name": f"_CRM Deletion {frappe.generate_hash(length=6)}",
			"abbr": f"_C{frappe.generate_hash(length=4)}",
			"default_currency": "INR",
			"country": "India",
			"create_chart_of_accounts_based_on": "Standard Template",
			"chart_of_accounts": "Standard",
		}
	).insert()
	owner = make_user("Sales User")
	customer = make_customer()
	log_touchpoint(customer, "Call", "Outbound", nowdate())
	rule = make_rule(None, "few_followups", {"count": 2, "days": 7}, company=company.name)
	frappe.db.set_value(
		"Customer Relationship", customer, {"rfm_company": company.name, "account_owner": owner}
	)
	record = frappe.get_doc(
		{
			"doctype": "Transaction Deletion Record",
			"company": company.name,
			"process_in_single_transaction": 1,
		}
	).insert()
	if hasattr(record, "generate_to_delete_list"):
		# ERPNext v16: the doctypes to delete are listed before the submit, without what is to be ignored
		record.generate_to_delete_list()
		listed = {row.doctype_name for row in record.doctypes_to_delete}
		assert listed and not listed & {"Lifecycle Rule", "CRM Plan", "Customer Relationship"}
	record.submit()
	if frappe.db.get_value("Transaction Deletion Record", record.name, "status") == "Queued":
		record.start_deletion_tasks()  # ERPNext v15 starts on request (v16 on submit)

	assert frappe.db.get_value("Transaction Deletion Record", record.name, "status") == "Completed"
	assert frappe.db.exists("Lifecycle Rule", rule.name)
	assert frappe.db.get_value("Customer Relationship", customer, "account_owner") == owner


def test_a_user_with_adoption_scores_can_be_deleted():
	user = make_user("Sales User")
	program = frappe.get_doc(
		{
			"doctype": "CRM Adoption Program",
			"title": f"_Test Adoption {frappe.generate_hash(length=8)}",
			"period": "Monthly",
			"start_date": date(2026, 1, 1),
			"users": [{"user": user}],
			"metrics": [{"metric": "manual_touchpoints", "weight": 1, "target": 5}],
		}
	).insert()
	scores.compute(program.name, date(2026, 3, 15))
	assert frappe.db.count("CRM Adoption Score", {"user": user})
	program.reload()
	program.users = []
	program.append("users", {"user": make_user("Sales User")})  # the user left the programme
	program.save()

	frappe.delete_doc("User", user)

	assert not frappe.db.exists("User", user)
	assert frappe.db.count("CRM Adoption Score", {"user": user}) == 0


def test_a_renamed_competitor_keeps_one_note_per_lost_deal():
	competitor = make_competitor()
	quotation, _reason = lost_quotation(make_customer(), [competitor])
	competitor_api.make_notes_from_lost_deal("Quotation", quotation.name)

	renamed = frappe.rename_doc("Competitor", competitor, f"{competitor} Ltd", force=True)
	competitor_api.make_notes_from_lost_deal("Quotation", quotation.name)

	notes = frappe.get_all("Competitor Note", filters={"quotation": quotation.name}, pluck="competitor")
	assert notes == [renamed]


def test_merging_competitors_with_notes_on_the_same_deal_keeps_both_texts():
	first, second = make_competitor(), make_competitor()
	quotation, _reason = lost_quotation(make_customer(), [first, second])
	competitor_api.make_notes_from_lost_deal("Quotation", quotation.name)

	frappe.rename_doc("Competitor", first, second, merge=True, force=True)
	competitor_api.make_notes_from_lost_deal("Quotation", quotation.name)

	notes = frappe.get_all(
		"Competitor Note", filters={"quotation": quotation.name}, fields=["competitor", "lost_deal"]
	)
	assert sorted((n.competitor, bool(n.lost_deal)) for n in notes) == [(second, False), (second, True)]


def test_unreconciling_a_payment_leaves_the_customer_owing_again_at_once():
	customer = make_customer()
	si = invoice(customer, rate=100)
	payment = pay(si)
	assert flt(relationship(customer).outstanding_amount) == 0

	unreconcile = frappe.get_doc(
		{
			"doctype": "Unreconcile Payment",
			"company": payment.company,
			"voucher_type": "Payment Entry",
			"voucher_no": payment.name,
		}
	)
	unreconcile.add_references()
	unreconcile.save().submit()

	assert flt(frappe.db.get_value("Sales Invoice", si.name, "outstanding_amount")) == 100
	assert flt(relationship(customer).outstanding_amount) == 100
