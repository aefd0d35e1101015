"""Building competitors, notes and lost deals for the competitor tests."""

import frappe
import pytest
from erpnext.crm.doctype.opportunity.test_opportunity import make_opportunity
from erpnext.selling.doctype.quotation.test_quotation import make_quotation
from frappe.utils import today


@pytest.fixture
def many_test_users(monkeypatch):
	"""Frappe refuses a 61st user within an hour (``throttle_user_limit``); on the shared site other suites
	commit theirs, so these tests raise the limit for themselves."""
	monkeypatch.setitem(frappe.local.conf, "throttle_user_limit", 1_000_000)


def make_competitor() -> str:
	return (
		frappe.get_doc(
			{"doctype": "Competitor", "competitor_name": f"_CRM Rival {frappe.generate_hash(length=8)}"}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_note(competitor: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "Competitor Note",
			"competitor": competitor,
			"aspect": "Pricing",
			"observation": "Offers 10 % off on yearly contracts.",
			"observed_on": today(),
			**fields,
		}
	).insert()


def _reason(doctype: str, field: str) -> str:
	name = f"_CRM Test {frappe.generate_hash(length=6)}"
	frappe.get_doc({"doctype": doctype, field: name}).insert(ignore_permissions=True)
	return name


def lost_opportunity(customer: str, competitors: list[str], amount: float = 1000, detail: str | None = None):
	"""An Opportunity of the customer worth ``amount`` (one item), declared lost to the competitors."""
	opp = make_opportunity(customer=customer, with_items=1, rate=amount, qty=1)
	reason = _reason("Opportunity Lost Reason", "lost_reason")
	opp.declare_enquiry_lost([{"lost_reason": reason}], [{"competitor": c} for c in competitors], detail)
	opp.reload()
	return opp, reason


def lost_quotation(customer: str, competitors: list[str], rate: float = 500, detail: str | None = None):
	"""A submitted Quotation of the customer (one item, no taxes), declared lost to the competitors."""
	qtn = make_quotation(party_name=customer, qty=1, rate=rate, do_not_submit=True)
	qtn.taxes_and_charges = None
	qtn.taxes = []
	qtn.save()
	qtn.submit()
	reason = _reason("Quotation Lost Reason", "order_lost_reason")
	qtn.declare_enquiry_lost([{"lost_reason": reason}], [{"competitor": c} for c in competitors], detail)
	qtn.reload()
	return qtn, reason
