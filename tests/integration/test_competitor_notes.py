"""Competitor notes: links, the customer's timeline, bad input, permissions and notes from lost deals."""

import frappe
import pytest
from frappe.utils import add_days, today

from crm_plus.competitors.api import make_notes_from_lost_deal
from crm_plus.touchpoints.api import get_timeline
from tests.integration.competitor_helpers import (
	lost_opportunity,
	lost_quotation,
	make_competitor,
	make_note,
	many_test_users,
)
from tests.integration.factories import OUTSIDER_ROLE, make_customer, make_user
from tests.integration.plan_helpers import make_plan

pytestmark = pytest.mark.usefixtures("many_test_users")


def _note_touchpoints(note: str) -> list[dict]:
	return frappe.get_all(
		"Customer Touchpoint",
		filters={"reference_doctype": "Competitor Note", "reference_name": note},
		fields=["customer", "touchpoint_type", "posting_date", "summary", "status"],
	)


def test_note_links_erpnext_competitor_customer_opportunity_quotation_and_plan():
	competitor, customer = make_competitor(), make_customer()
	opp, _ = lost_opportunity(customer, [competitor])
	qtn, _ = lost_quotation(customer, [competitor])
	plan = make_plan()
	note = make_note(
		competitor,
		customer=customer,
		opportunity=opp.name,
		quotation=qtn.name,
		crm_plan=plan.name,
		strengths="Fast delivery",
		weaknesses="Slow support",
		customer_satisfaction=0.6,
		threat_level="High",
		source="Customer Conversation",
		our_response="Match their delivery times.",
	)
	saved = frappe.db.get_value(
		"Competitor Note",
		note.name,
		["competitor", "customer", "opportunity", "quotation", "crm_plan", "captured_by"],
		as_dict=True,
	)
	assert saved == {
		"competitor": competitor,
		"customer": customer,
		"opportunity": opp.name,
		"quotation": qtn.name,
		"crm_plan": plan.name,
		"captured_by": "Administrator",
	}
	# ERPNext's Competitor lists it among its links (the note's link field is a real Link)
	from frappe.desk.form.linked_with import get_linked_doctypes

	assert "Competitor Note" in get_linked_doctypes("Competitor")


def test_note_on_a_customer_is_one_touchpoint_on_its_timeline_and_follows_the_note():
	competitor, customer, other = make_competitor(), make_customer(), make_customer()
	note = make_note(competitor, customer=customer, aspect="Service", observed_on=add_days(today(), -3))
	[tp] = _note_touchpoints(note.name)
	assert (tp.customer, tp.touchpoint_type, str(tp.posting_date), tp.status) == (
		customer,
		"Competitor Note",
		add_days(today(), -3),
		"Active",
	)
	assert tp.summary.startswith(f"{competitor} · Service: Offers 10 %")
	assert [row.reference_name for row in get_timeline(customer)] == [note.name]

	note.observation = "Free installation"
	note.save()
	note.save()  # saving again never writes a second touchpoint
	assert [t.summary for t in _note_touchpoints(note.name)] == [f"{competitor} · Service: Free installation"]

	note.customer = other
	note.save()
	assert [t.customer for t in _note_touchpoints(note.name)] == [other]

	note.customer = None
	note.save()
	assert _note_touchpoints(note.name) == []

	note.customer = other
	note.save()
	note.delete()
	assert _note_touchpoints(note.name) == []


def test_a_competitor_note_is_not_contact_with_the_customer():
	customer = make_customer()
	make_note(make_competitor(), customer=customer)
	rel = frappe.get_doc("Customer Relationship", customer)
	assert not rel.last_touchpoint_date and not rel.touchpoints_90d


def test_observed_in_the_future_is_refused_naming_the_field():
	with pytest.raises(frappe.ValidationError, match="Observed On"):
		make_note(make_competitor(), observed_on=add_days(today(), 1))


def test_unknown_competitor_is_refused_and_the_message_says_whether_the_user_may_create_it():
	frappe.set_user(make_user("Sales User"))
	with pytest.raises(
		frappe.LinkValidationError, match="Competitor: _No Such Rival does not exist. Ask someone"
	):
		make_note("_No Such Rival")
	frappe.set_user(make_user("Sales User", "Sales Master Manager"))
	with pytest.raises(frappe.LinkValidationError, match="Create a new Competitor"):
		make_note("_No Such Rival")
	# with permission the link's quick entry creates it, and the note then saves
	frappe.get_doc({"doctype": "Competitor", "competitor_name": "_No Such Rival"}).insert()
	assert make_note("_No Such Rival").competitor == "_No Such Rival"


def test_opportunity_or_quotation_of_another_customer_is_refused_naming_the_field():
	competitor, customer, other = make_competitor(), make_customer(), make_customer()
	opp, _ = lost_opportunity(other, [competitor])
	qtn, _ = lost_quotation(other, [competitor])
	with pytest.raises(frappe.ValidationError, match=f"Opportunity: {opp.name} belongs to customer {other}"):
		make_note(competitor, customer=customer, opportunity=opp.name)
	with pytest.raises(frappe.ValidationError, match=f"Quotation: {qtn.name} belongs to customer {other}"):
		make_note(competitor, customer=customer, quotation=qtn.name)
	# without a customer the note takes the deal's
	assert make_note(competitor, quotation=qtn.name).customer == other


def test_crm_user_and_sales_user_create_and_read_notes_a_customer_note_only_for_its_readers():
	competitor, customer, other = make_competitor(), make_customer(), make_customer()
	on_customer = make_note(competitor, customer=customer).name
	on_other = make_note(competitor, customer=other).name

	crm_user = make_user("CRM User")
	assert not frappe.has_permission("Customer", "read", user=crm_user)
	# install gives CRM Users read access to ERPNext's Competitor (to pick one) and CRM Managers create
	assert frappe.has_permission("Competitor", "read", user=crm_user)
	assert not frappe.has_permission("Competitor", "create", user=crm_user)
	assert frappe.has_permission("Competitor", "create", user=make_user("CRM Manager"))
	frappe.set_user(crm_user)
	general = make_note(competitor, aspect="Promotion").name  # a note about no customer
	visible = set(frappe.get_list("Competitor Note", filters={"competitor": competitor}, pluck="name"))
	assert visible == {general}
	assert not frappe.has_permission("Competitor Note", "read", on_customer)
	with pytest.raises(frappe.PermissionError):
		make_note(competitor, customer=customer)

	frappe.set_user("Administrator")
	frappe.share.add("Customer", customer, crm_user, read=1)
	frappe.set_user(crm_user)
	visible = set(frappe.get_list("Competitor Note", filters={"competitor": competitor}, pluck="name"))
	assert visible == {general, on_customer}
	assert frappe.has_permission("Competitor Note", "read", on_customer)
	assert not frappe.has_permission("Competitor Note", "read", on_other)

	frappe.set_user(make_user("Sales User"))
	mine = make_note(competitor, customer=customer).name
	visible = set(frappe.get_list("Competitor Note", filters={"competitor": competitor}, pluck="name"))
	assert visible == {general, on_customer, on_other, mine}
	assert frappe.get_doc("Competitor Note", mine).has_permission("read")


def test_user_permission_on_a_customer_hides_other_customers_notes():
	from frappe.permissions import add_user_permission

	competitor, customer, other = make_competitor(), make_customer(), make_customer()
	on_customer = make_note(competitor, customer=customer).name
	make_note(competitor, customer=other)
	user = make_user("Sales User")
	add_user_permission("Customer", customer, user)
	frappe.set_user(user)
	assert frappe.get_list("Competitor Note", filters={"competitor": competitor}, pluck="name") == [
		on_customer
	]


def test_lost_quotation_makes_one_prefilled_note_per_competitor_once():
	first, second, customer = make_competitor(), make_competitor(), make_customer()
	qtn, reason = lost_quotation(customer, [first, second], detail="Their price was 15 % lower.")
	frappe.set_user(make_user("Sales User"))

	result = make_notes_from_lost_deal("Quotation", qtn.name)
	assert len(result["created"]) == 2 and sorted(result["created"]) == sorted(result["notes"])
	notes = frappe.get_all(
		"Competitor Note",
		filters={"quotation": qtn.name},
		fields=["competitor", "customer", "source", "observation", "opportunity"],
		order_by="competitor",
	)
	assert [(n.competitor, n.customer, n.source) for n in notes] == sorted(
		[(first, customer, "Lost Deal"), (second, customer, "Lost Deal")]
	)
	assert all(n.observation == f"Quotation {qtn.name}\n{reason}\nTheir price was 15 % lower." for n in notes)

	again = make_notes_from_lost_deal("Quotation", qtn.name)
	assert again["created"] == [] and sorted(again["notes"]) == sorted(result["notes"])
	assert frappe.db.count("Competitor Note", {"quotation": qtn.name}) == 2


def test_lost_opportunity_without_competitors_only_prefills_and_open_deals_are_refused():
	customer = make_customer()
	opp, reason = lost_opportunity(customer, [])
	# notes of an earlier opportunity of the same name (Delete Company Transactions resets the series)
	before = frappe.db.count("Competitor Note", {"opportunity": opp.name})
	result = make_notes_from_lost_deal("Opportunity", opp.name)
	assert result["created"] == [] and result["notes"] == []
	assert result["prefill"]["customer"] == customer and result["prefill"]["opportunity"] == opp.name
	assert reason in result["prefill"]["observation"]

	from erpnext.crm.doctype.opportunity.test_opportunity import make_opportunity

	open_opp = make_opportunity(customer=customer)
	with pytest.raises(frappe.ValidationError, match="only a Lost deal"):
		make_notes_from_lost_deal("Opportunity", open_opp.name)
	with pytest.raises(frappe.ValidationError, match="Reference Type: competitor notes are made from"):
		make_notes_from_lost_deal("Sales Invoice", "x")
	frappe.set_user(make_user(OUTSIDER_ROLE))
	with pytest.raises(frappe.PermissionError):
		make_notes_from_lost_deal("Opportunity", opp.name)
	assert frappe.db.count("Competitor Note", {"opportunity": opp.name}) == before
