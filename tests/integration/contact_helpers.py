"""Contacts, e-mails, calls, meetings and issues made through Frappe's and ERPNext's own code paths."""

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import frappe
from frappe.core.doctype.communication.email import make
from frappe.email.receive import InboundMail
from frappe.utils import now_datetime

INBOX = "crm-plus-inbox@example.com"


def make_contact(customer: str | None, email: str | None = None) -> tuple[str, str]:
	"""A Contact with an e-mail address, linked to ``customer`` (when given): (name, address)."""
	email = email or f"buyer-{frappe.generate_hash(length=8)}@example.com"
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": f"Buyer {frappe.generate_hash(length=6)}",
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}] if customer else [],
		}
	).insert(ignore_permissions=True)
	return contact.name, email


def send_email(doctype: str, name: str, recipients: str, subject: str, content: str, **kwargs) -> str:
	"""An e-mail sent from a document the way the desk sends it (Frappe's ``make``, queued); its name."""
	return make(
		doctype=doctype,
		name=name,
		recipients=recipients,
		subject=subject,
		content=content,
		send_email=True,
		**kwargs,
	)["name"]


def inbox() -> frappe._dict:
	"""An incoming Email Account (not polled: mails are handed to it)."""
	if not frappe.db.exists("Email Account", {"email_id": INBOX}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test crm_plus Inbox",
				"email_id": INBOX,
				"enable_incoming": 0,
				"enable_outgoing": 0,
			}
		).insert(ignore_permissions=True)
	return frappe.get_doc("Email Account", {"email_id": INBOX})


def receive_email(sender: str, subject: str, body: str, message_id: str | None = None):
	"""An e-mail from ``sender`` received as Frappe receives mail (``InboundMail``): its Communication."""
	message = EmailMessage()
	message["From"] = sender
	message["To"] = INBOX
	message["Subject"] = subject
	message["Date"] = format_datetime(now_datetime().astimezone())
	message["Message-ID"] = message_id or make_msgid(domain="customer.example.com")
	message.set_content(body)
	return InboundMail(message.as_string(), inbox(), uid=1, seen_status=0).process()
