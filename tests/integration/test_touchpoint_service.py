"""Service is a contact too: an Issue opened, answered and resolved, a warranty claim and a maintenance visit
leave touchpoints, with ERPNext's own response and resolution times."""

import frappe
from erpnext.support.doctype.service_level_agreement.test_service_level_agreement import (
	create_service_level_agreement,
)
from frappe.utils import add_to_date, flt, get_datetime, now_datetime, nowdate

from crm_plus.touchpoints import backfill, reconcile
from tests.integration.contact_helpers import make_contact, send_email
from tests.integration.factories import make_customer


def service(customer: str) -> list[dict]:
	return frappe.get_all(
		"Customer Touchpoint",
		filters={"customer": customer},
		fields=[
			"touchpoint_type",
			"channel",
			"direction",
			"status",
			"reference_doctype",
			"reference_name",
			"user",
			"posting_date",
			"duration",
		],
		order_by="name asc",
	)


def _hours(seconds) -> float:
	return round(flt(seconds) / 3600, 6)


def _issue(customer: str, opened) -> frappe._dict:
	"""An Issue of the customer under a Service Level Agreement of its own, opened at ``opened``."""
	create_service_level_agreement(
		default_service_level_agreement=0,
		holiday_list="__Test Holiday List",
		response_time=14400,
		entity_type="Customer",
		entity=customer,
		resolution_time=21600,
		service_level=f"_CRM SLA {frappe.generate_hash(length=6)}",
	)
	issue = frappe.get_doc(
		{
			"doctype": "Issue",
			"subject": "The delivery was short",
			"customer": customer,
			"raised_by": "x@example.com",
		}
	).insert(ignore_permissions=True)
	# opened hours ago, as ERPNext records it (its times count from creation and the SLA's start)
	frappe.db.set_value(
		"Issue",
		issue.name,
		{"creation": opened, "opening_date": opened.date(), "service_level_agreement_creation": opened},
		update_modified=False,
	)
	return frappe.get_doc("Issue", issue.name)


def test_an_issue_opened_answered_and_resolved_leaves_touchpoints_with_erpnexts_own_hours(monkeypatch):
	monkeypatch.setattr(frappe.flags, "current_time", None, raising=False)
	frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
	customer = make_customer()
	_contact, address = make_contact(customer)
	opened = get_datetime(add_to_date(now_datetime(), hours=-5))
	issue = _issue(customer, opened)
	assert issue.service_level_agreement
	rows = service(customer)
	assert [(r.touchpoint_type, r.direction, r.status) for r in rows] == [
		("Issue Opened", "Inbound", "Active")
	]

	# answered: Frappe's reply sets ERPNext's first response (a raw update of the Issue)
	reply = send_email("Issue", issue.name, address, "Re: The delivery was short", "<p>On its way</p>")
	issue.reload()
	# ERPNext counts the response time as its agreement says (within support hours): whatever it counts
	assert issue.first_responded_on and issue.first_response_time
	answered = {r.touchpoint_type: r for r in service(customer)}["Issue Answered"]
	assert (answered.direction, answered.channel, answered.user) == ("Outbound", "Email", "Administrator")
	assert str(answered.posting_date) == str(get_datetime(issue.first_responded_on).date())
	assert _hours(answered.duration) == _hours(issue.first_response_time)
	# the reply itself is an e-mail touchpoint of the customer too
	assert {r.reference_name for r in service(customer) if r.touchpoint_type == "Email"} == {reply}

	# resolved: ERPNext measures the resolution time under the agreement
	issue.status = "Resolved"
	issue.save(ignore_permissions=True)
	issue.reload()
	assert issue.resolution_time
	resolved = {r.touchpoint_type: r for r in service(customer)}["Issue Resolved"]
	assert (resolved.direction, resolved.status, resolved.user) == ("Outbound", "Active", "Administrator")
	assert _hours(resolved.duration) == _hours(issue.resolution_time)
	assert str(resolved.posting_date) == str(get_datetime(issue.sla_resolution_date).date())

	# backfill and reconciliation write the very same touchpoints
	def rows():
		return sorted(service(customer), key=lambda r: (r.reference_doctype, r.touchpoint_type))

	live = rows()
	frappe.db.delete("Customer Touchpoint", {"customer": customer})
	backfill.backfill(restart=True, doctypes=["Issue", "Communication"], refresh=False)
	assert rows() == live
	reconcile.reconcile(refresh=False)
	assert rows() == live

	# reopened: no longer resolved; resolved again: resolved again
	issue.status = "Open"
	issue.save(ignore_permissions=True)
	assert {r.touchpoint_type: r.status for r in service(customer)}["Issue Resolved"] == "Cancelled"
	issue.reload()
	issue.status = "Closed"
	issue.save(ignore_permissions=True)
	issue.reload()
	resolved = {r.touchpoint_type: r for r in service(customer)}["Issue Resolved"]
	assert resolved.status == "Active" and _hours(resolved.duration) == _hours(issue.resolution_time)


def test_an_issue_without_a_customer_is_no_touchpoint_until_it_has_one():
	issue = frappe.get_doc(
		{"doctype": "Issue", "subject": "Anonymous question", "raised_by": "nobody@example.com"}
	).insert(ignore_permissions=True)
	assert not frappe.db.exists("Customer Touchpoint", {"reference_name": issue.name})
	customer = make_customer()
	issue.customer = customer
	issue.save(ignore_permissions=True)
	assert [r.touchpoint_type for r in service(customer)] == ["Issue Opened"]
	assert [r.channel for r in service(customer)] == ["System"]  # recorded by staff

	frappe.delete_doc("Issue", issue.name, ignore_permissions=True)
	assert service(customer) == []  # its name may be given again


def test_a_warranty_claim_and_a_maintenance_visit_are_service_touchpoints():
	customer = make_customer()
	claim = frappe.get_doc(
		{
			"doctype": "Warranty Claim",
			"customer": customer,
			"complaint": "Cracked housing",
			"complaint_date": nowdate(),
			"company": "_Test Company",
			"status": "Open",
		}
	).insert(ignore_permissions=True)
	visit = frappe.get_doc(
		{
			"doctype": "Maintenance Visit",
			"customer": customer,
			"company": "_Test Company",
			"mntc_date": nowdate(),
			"maintenance_type": "Unscheduled",
			"completion_status": "Fully Completed",
			"customer_feedback": "Works again",
			"purposes": [
				{
					"item_code": "_Test Item",
					"service_person": _sales_person(),
					"work_done": "Replaced the housing",
					"description": "Housing",
				}
			],
		}
	).insert(ignore_permissions=True)
	assert [r.touchpoint_type for r in service(customer)] == ["Warranty Claim"]
	visit.submit()
	assert [(r.touchpoint_type, r.channel, r.direction, r.status) for r in service(customer)] == [
		("Warranty Claim", "System", "Inbound", "Active"),
		("Visit", "In Person", "Outbound", "Active"),
	]
	claim.status = "Cancelled"
	claim.save(ignore_permissions=True)
	visit.cancel()
	assert [r.status for r in service(customer)] == ["Cancelled", "Cancelled"]


def _sales_person() -> str:
	name = "_CRM Test Service Person"
	if not frappe.db.exists("Sales Person", name):
		frappe.get_doc({"doctype": "Sales Person", "sales_person_name": name, "is_group": 0}).insert(
			ignore_permissions=True
		)
	return name
