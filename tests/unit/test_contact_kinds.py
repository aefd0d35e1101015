"""Which contacts are touchpoints, and of what kind: the rules of ``kinds.py`` the contact sources run."""

import pytest

from crm_plus.touchpoints import kinds


@pytest.mark.parametrize(
	("communication_type", "medium", "reference", "links", "counts"),
	[
		("Communication", "Email", "Quotation", (), True),  # an e-mail sent from a customer's quotation
		("Communication", "Email", None, ("Contact",), True),  # received from a contact's address
		("Communication", "Phone", "Customer", (), True),
		("Automated Message", "Email", "Quotation", (), False),  # Frappe's Notifications
		("Comment", "", "Quotation", (), False),
		("Communication", "", "Customer", (), False),  # no medium
		("Communication", "Email", "Email Campaign", ("Contact",), False),  # mass mailing
		("Communication", "Event", "Event", ("Contact",), False),  # Frappe's copy of a meeting
		("Communication", "Email", "ToDo", ("User",), False),  # nothing of a customer
		("Communication", "Email", None, (), False),
	],
)
def test_which_communications_may_be_contacts(communication_type, medium, reference, links, counts):
	assert kinds.communication_counts(communication_type, medium, reference, links) is counts


def test_a_communication_medium_is_a_type_and_a_channel():
	assert kinds.communication_kind("Email") == ("Email", "Email")
	assert kinds.communication_kind("Phone") == ("Call", "Phone")
	assert kinds.communication_kind("Meeting") == ("Meeting", "In Person")
	assert kinds.communication_kind("") is None
	types = {kind[0] for kind in kinds.COMMUNICATION_MEDIUMS.values()}
	channels = {kind[1] for kind in kinds.COMMUNICATION_MEDIUMS.values()}
	assert types <= kinds.ALL_TYPES
	assert channels <= {"In Person", "Phone", "Email", "Web", "Social", "Partner", "System"}


def test_direction_from_sent_or_received():
	assert kinds.communication_direction("Sent") == "Outbound"
	assert kinds.communication_direction("Received") == "Inbound"
	assert kinds.call_direction("Incoming") == "Inbound"
	assert kinds.call_direction("Outgoing") == "Outbound"


@pytest.mark.parametrize(
	("delivery", "email_status", "status"),
	[
		("Sent", "Open", "Active"),
		("", "Open", "Active"),
		("Bounced", "Open", "Cancelled"),
		("Error", "Open", "Cancelled"),
		("Sent", "Spam", "Cancelled"),
		("Opened", "Trash", "Cancelled"),
	],
)
def test_an_undelivered_or_discarded_email_is_no_contact(delivery, email_status, status):
	assert kinds.communication_status(delivery, email_status) == status


def test_events_and_issues():
	assert kinds.event_kind("Call") == ("Call", "Phone")
	assert kinds.event_kind(None) == ("Meeting", "In Person")
	assert kinds.issue_channel(1, None) == "Web"
	assert kinds.issue_channel(0, "Support") == "Email"
	assert kinds.issue_channel(0, None) == "System"


def test_service_types_are_recorded_not_logged_by_hand():
	service = {kinds.ISSUE_OPENED, kinds.ISSUE_ANSWERED, kinds.ISSUE_RESOLVED, kinds.WARRANTY_CLAIM}
	assert service <= kinds.SYSTEM_TYPES
	assert kinds.validate_manual(kinds.ISSUE_OPENED, None) == "system"
	assert not service & kinds.NON_CONTACT_TYPES  # service is contact


def test_saved_and_submitted_sources_are_apart():
	assert not set(kinds.SAVED_SOURCE_DOCTYPES) & set(kinds.SOURCE_DOCTYPES)
	# an e-mail about any document that is a touchpoint source reaches its customer
	assert {"Quotation", "Sales Invoice", "Payment Entry", "Dunning", "Issue"} <= kinds.CUSTOMER_LINKS
