"""Every contact with a customer is a touchpoint: e-mails sent and received through Frappe's own code paths,
calls, meetings, and what deleting, resending or relinking them does."""

import frappe
import pytest
from erpnext.selling.doctype.quotation.test_quotation import make_quotation
from frappe.utils import add_to_date, now_datetime, nowdate

from crm_plus.touchpoints import backfill, events, reconcile, recorder
from tests.integration.contact_helpers import make_contact, receive_email, send_email
from tests.integration.factories import make_customer, relationship


def contacts(customer: str, reference_doctype: str | None = None) -> list[dict]:
	"""The customer's touchpoints of contacts (not its quotations), oldest first."""
	filters = {"customer": customer, "reference_doctype": reference_doctype or ("!=", "Quotation")}
	return frappe.get_all(
		"Customer Touchpoint",
		filters=filters,
		fields=[
			"name",
			"touchpoint_type",
			"channel",
			"direction",
			"status",
			"reference_doctype",
			"reference_name",
			"summary",
			"user",
			"posting_date",
			"duration",
		],
		order_by="name asc",
	)


def test_an_email_sent_from_a_quotation_is_an_outbound_email_touchpoint_of_its_customer():
	customer = make_customer()
	quotation = make_quotation(party_name=customer, qty=1, rate=100)
	# to an address that is no contact of the customer: the quotation says whose e-mail it is
	sent = send_email("Quotation", quotation.name, "buyer@example.com", "Your quotation", "<p>Dear buyer</p>")

	rows = contacts(customer, "Communication")
	assert [(r.touchpoint_type, r.channel, r.direction, r.status, r.reference_name) for r in rows] == [
		("Email", "Email", "Outbound", "Active", sent)
	]
	assert rows[0].summary == "Your quotation"  # the subject, never the body
	assert rows[0].user == "Administrator"  # the sender
	assert str(rows[0].posting_date) == nowdate()
	assert relationship(customer).touchpoints_90d == 2  # the quotation and the e-mail


def test_an_email_received_from_a_contact_address_is_an_inbound_touchpoint():
	customer = make_customer()
	_contact, address = make_contact(customer)
	received = receive_email(f"Buyer <{address}>", "About our order", "Where is it?")

	rows = contacts(customer)
	assert [(r.touchpoint_type, r.channel, r.direction, r.reference_name) for r in rows] == [
		("Email", "Email", "Inbound", received.name)
	]
	assert rows[0].summary == "About our order" and rows[0].user is None

	# fetched again (Frappe finds it by its Message-ID): nothing more
	assert receive_email(address, "About our order", "Where is it?", message_id=received.message_id).name == (
		received.name
	)
	assert len(contacts(customer)) == 1


def test_sending_the_same_email_again_leaves_no_second_touchpoint():
	customer = make_customer()
	quotation = make_quotation(party_name=customer, qty=1, rate=100)
	_contact, address = make_contact(customer)
	first = send_email("Quotation", quotation.name, address, "Quotation", "<p>Attached</p>")
	again = send_email("Quotation", quotation.name, address, "Quotation", "<p>Attached</p>")
	assert first != again
	assert [r.reference_name for r in contacts(customer)] == [first]

	# the same Communication saved again (its queue retried, a link added) writes nothing either
	frappe.get_doc("Communication", first).save(ignore_permissions=True)
	events.on_save(frappe.get_doc("Communication", first))
	assert [r.reference_name for r in contacts(customer)] == [first]

	# a different e-mail is a new contact
	other = send_email("Quotation", quotation.name, address, "Quotation", "<p>A reminder</p>")
	assert [r.reference_name for r in contacts(customer)] == [first, other]

	# the backfill and the reconciliation agree with the live hook
	frappe.db.delete("Customer Touchpoint", {"customer": customer, "reference_doctype": "Communication"})
	backfill.backfill(restart=True, doctypes=["Communication"], refresh=False)
	reconcile.reconcile(refresh=False)
	assert [r.reference_name for r in contacts(customer)] == [first, other]


def test_deleting_an_email_cancels_its_touchpoint():
	customer = make_customer()
	_contact, address = make_contact(customer)
	received = receive_email(address, "Complaint", "It broke")
	assert [r.status for r in contacts(customer)] == ["Active"]

	frappe.delete_doc("Communication", received.name, ignore_permissions=True)
	rows = contacts(customer)
	assert [(r.reference_name, r.status) for r in rows] == [(received.name, "Cancelled")]
	assert relationship(customer).touchpoints_90d == 0

	reconcile.reconcile(refresh=False)  # kept, still Cancelled
	assert [(r.reference_name, r.status) for r in contacts(customer)] == [(received.name, "Cancelled")]


def test_a_deleted_email_missed_by_the_hook_is_cancelled_by_the_reconciliation():
	customer = make_customer()
	_contact, address = make_contact(customer)
	received = receive_email(address, "Question", "How much?")
	frappe.db.delete("Communication", {"name": received.name})  # behind crm_plus's back
	reconcile.reconcile(refresh=False)
	assert [r.status for r in contacts(customer)] == ["Cancelled"]


def test_what_is_not_a_contact_leaves_no_touchpoint():
	customer = make_customer()
	contact, address = make_contact(customer)
	stranger = make_contact(None)[1]
	quotation = make_quotation(party_name=customer, qty=1, rate=100)
	# Frappe's Notifications are Automated Messages
	send_email(
		"Quotation",
		quotation.name,
		address,
		"Reminder",
		"<p>auto</p>",
		communication_type="Automated Message",
	)
	# a comment on the customer's quotation, where Frappe still records comments as Communications (v15)
	if "Comment" in frappe.get_meta("Communication").get_options("communication_type").split("\n"):
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Comment",
				"comment_type": "Comment",
				"reference_doctype": "Quotation",
				"reference_name": quotation.name,
				"content": "internal note",
			}
		).insert(ignore_permissions=True)
	# mass mailing: an Email Campaign's e-mail (made as ERPNext makes it) reaches the contact too
	send_email("Email Campaign", _email_campaign(contact), address, "Spring offers", "<p>Offers</p>")
	# an e-mail from someone who is nobody's contact
	receive_email(stranger, "Hello", "Who are you?")
	assert contacts(customer) == []
	reconcile.reconcile(refresh=False)
	assert contacts(customer) == []


def test_a_bounced_email_is_cancelled_and_active_again_when_delivered():
	customer = make_customer()
	quotation = make_quotation(party_name=customer, qty=1, rate=100)
	sent = send_email("Quotation", quotation.name, "buyer@example.com", "Quotation", "<p>Hi</p>")
	# Frappe's e-mail queue writes the delivery status with a raw update: the reconciliation follows it
	frappe.db.set_value("Communication", sent, "delivery_status", "Bounced")
	reconcile.reconcile(refresh=False)
	assert [r.status for r in contacts(customer)] == ["Cancelled"]
	frappe.db.set_value("Communication", sent, "delivery_status", "Sent")
	reconcile.reconcile(refresh=False)
	assert [r.status for r in contacts(customer)] == ["Active"]


def test_an_email_relinked_to_another_customer_moves_its_touchpoint():
	first, second = make_customer(), make_customer()
	mine = make_quotation(party_name=first, qty=1, rate=100)
	theirs = make_quotation(party_name=second, qty=1, rate=100)
	sent = send_email("Quotation", mine.name, "buyer@example.com", "Quotation", "<p>Hi</p>")

	# Frappe's Relink (a raw update): the reconciliation follows it
	from frappe.email import relink

	relink(sent, "Quotation", theirs.name)
	reconcile.reconcile(refresh=False)
	assert [(r.reference_name, r.status) for r in contacts(first)] == [(sent, "Cancelled")]
	assert [(r.reference_name, r.status) for r in contacts(second)] == [(sent, "Active")]

	# saved back onto the first customer's quotation: the live hook moves it back
	comm = frappe.get_doc("Communication", sent)
	comm.reference_name = mine.name
	comm.save(ignore_permissions=True)
	assert [(r.reference_name, r.status) for r in contacts(first)] == [(sent, "Active")]
	assert [(r.reference_name, r.status) for r in contacts(second)] == [(sent, "Cancelled")]


def test_a_failing_contact_hook_never_stops_the_email_and_the_reconciliation_heals_it(monkeypatch):
	customer = make_customer()
	quotation = make_quotation(party_name=customer, qty=1, rate=100)
	logged = {"reference_doctype": "Communication", "error": ("like", "%touchpoint store unavailable%")}
	errors = frappe.db.count("Error Log", logged)

	def broken(*args, **kwargs):
		raise RuntimeError("touchpoint store unavailable")

	monkeypatch.setattr(recorder, "sync", broken)
	sent = send_email("Quotation", quotation.name, "buyer@example.com", "Quotation", "<p>Hi</p>")
	assert frappe.db.exists("Communication", sent)
	assert frappe.db.count("Error Log", logged) == errors + 1
	assert contacts(customer) == []
	monkeypatch.undo()

	reconcile.reconcile(refresh=False)
	assert [r.reference_name for r in contacts(customer)] == [sent]


def test_an_email_that_concerns_no_customer_costs_the_hook_no_query(monkeypatch):
	comm = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"subject": "Hello",
			"sender": "someone@example.com",
		}
	)
	comm.insert(ignore_permissions=True)
	frappe.get_cached_doc("CRM Plus Settings")  # cached, as on a running site
	queries = []
	real = frappe.db.sql
	monkeypatch.setattr(
		frappe.db, "sql", lambda *args, **kwargs: queries.append(args[0]) or real(*args, **kwargs)
	)
	comm.flags.in_insert = True
	events.on_save(comm)  # just made: nothing to look up
	assert queries == []
	comm.flags.in_insert = False
	events.on_save(comm)  # changed: one indexed lookup (does it have touchpoints?)
	assert len(queries) == 1


def test_a_completed_call_is_a_call_touchpoint_of_the_contacts_customer():
	customer = make_customer()
	contact, _address = make_contact(customer)
	call = frappe.get_doc(
		{
			"doctype": "Call Log",
			"id": f"call-{frappe.generate_hash(length=10)}",
			"from": "+100000001",
			"to": "+100000002",
			"type": "Incoming",
			"status": "Ringing",
			"start_time": now_datetime(),
			"links": [{"link_doctype": "Contact", "link_name": contact}],
		}
	).insert(ignore_permissions=True)
	assert contacts(customer) == []  # ringing is no contact yet

	call.status, call.duration, call.summary = "Completed", 330, "Wants a second delivery"
	call.save(ignore_permissions=True)
	rows = contacts(customer)
	assert [(r.touchpoint_type, r.channel, r.direction, r.reference_name, r.summary) for r in rows] == [
		("Call", "Phone", "Inbound", call.name, "Wants a second delivery")
	]
	assert float(rows[0].duration) == 330

	frappe.delete_doc("Call Log", call.name, ignore_permissions=True)
	assert [r.status for r in contacts(customer)] == ["Cancelled"]


def test_a_meeting_with_a_contact_is_a_touchpoint_once_it_has_begun():
	customer = make_customer()
	contact, _address = make_contact(customer)

	def meeting(starts_on, subject):
		return frappe.get_doc(
			{
				"doctype": "Event",
				"subject": subject,
				"event_category": "Meeting",
				"event_type": "Public",
				"starts_on": starts_on,
				"event_participants": [{"reference_doctype": "Contact", "reference_docname": contact}],
			}
		).insert(ignore_permissions=True)

	held = meeting(add_to_date(now_datetime(), hours=-2), "Tasting")
	planned = meeting(add_to_date(now_datetime(), days=7), "Next tasting")
	assert [(r.touchpoint_type, r.channel, r.reference_name) for r in contacts(customer)] == [
		("Meeting", "In Person", held.name)
	]
	# the planned one is recorded once it has begun (the nightly reconciliation)
	frappe.db.set_value("Event", planned.name, "starts_on", add_to_date(now_datetime(), minutes=-5))
	reconcile.reconcile(refresh=False)
	assert sorted(r.reference_name for r in contacts(customer)) == sorted([held.name, planned.name])

	held.reload()
	held.status = "Cancelled"
	held.save(ignore_permissions=True)
	assert {r.reference_name: r.status for r in contacts(customer)}[held.name] == "Cancelled"


@pytest.mark.parametrize("doctype", ["Communication", "Call Log", "Event", "Issue", "Warranty Claim"])
def test_every_saved_source_has_its_live_hooks(doctype):
	from crm_plus import hooks

	assert hooks.doc_events[doctype]["on_update"] == "crm_plus.touchpoints.events.on_save"
	on_trash = hooks.doc_events[doctype]["on_trash"]
	assert "crm_plus.touchpoints.events.on_delete" in ([on_trash] if isinstance(on_trash, str) else on_trash)


def _email_campaign(contact: str) -> str:
	"""An ERPNext Email Campaign to the contact (its template and campaign made for it)."""
	key = frappe.generate_hash(length=8)
	template = frappe.get_doc(
		{"doctype": "Email Template", "name": f"_CRM Offers {key}", "subject": "Offers", "response": "Offers"}
	).insert(ignore_permissions=True)
	campaign = frappe.get_doc(
		{
			"doctype": "Campaign",
			"campaign_name": f"_CRM Spring {key}",
			"campaign_schedules": [{"email_template": template.name, "send_after_days": 1}],
		}
	).insert(ignore_permissions=True)
	return (
		frappe.get_doc(
			{
				"doctype": "Email Campaign",
				"campaign_name": campaign.name,
				"email_campaign_for": "Contact",
				"recipient": contact,
				"start_date": nowdate(),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def test_the_timeline_and_the_list_show_channel_and_direction_at_a_glance():
	from crm_plus.touchpoints.api import timeline_content

	customer = make_customer()
	_contact, address = make_contact(customer)
	received = receive_email(address, "Question", "How much?")
	item = next(i for i in timeline_content("Customer", customer) if received.name in i["content"])
	assert item["icon"] == "mail"
	assert 'data-channel="Email" data-direction="Inbound">Email ↙ Inbound<' in item["content"]

	frappe.local.lang = "zh-TW"
	frappe.cache.hdel("merged_translations", "zh-TW")
	try:
		item = next(i for i in timeline_content("Customer", customer) if received.name in i["content"])
		shown = f"{frappe._('Email')} ↙ {frappe._('Inbound')}"
		assert shown != "Email ↙ Inbound" and f">{shown}<" in item["content"]
	finally:
		frappe.local.lang = "en"
		frappe.cache.hdel("merged_translations", "zh-TW")

	meta = frappe.get_meta("Customer Touchpoint")
	for field in ("channel", "direction"):
		assert meta.get_field(field).in_list_view and meta.get_field(field).in_standard_filter


def test_touchpoints_are_written_before_migrate_adds_the_duration_column(monkeypatch):
	"""Code updated, site not migrated yet (or a patch submitting documents): the new column is left out."""
	has_column = frappe.db.has_column
	monkeypatch.setattr(
		frappe.db,
		"has_column",
		lambda doctype, column: column != "duration" and has_column(doctype, column),
	)
	customer = make_customer()
	quotation = make_quotation(party_name=customer, qty=1, rate=100)
	sent = send_email("Quotation", quotation.name, "buyer@example.com", "Quotation", "<p>Hi</p>")
	assert [r.reference_name for r in contacts(customer)] == [sent]
	backfill.backfill(restart=True, doctypes=["Communication"], refresh=False)
	reconcile.reconcile(refresh=False)
	assert [r.reference_name for r in contacts(customer)] == [sent]
