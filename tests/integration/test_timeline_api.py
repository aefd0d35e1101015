"""The timeline API and hand-logged touchpoints."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_plus.touchpoints.api import get_timeline, timeline_content
from tests.integration.factories import invoice, make_customer


def log(customer, touchpoint_type="Call", days_ago=0, **kw):
	return frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": touchpoint_type,
			"posting_date": add_days(nowdate(), -days_ago),
			"summary": kw.pop("summary", "called about renewal"),
			**kw,
		}
	).insert()


def test_timeline_is_newest_first_and_paginated():
	customer = make_customer()
	for days in (30, 20, 10):
		log(customer, days_ago=days)
	si = invoice(customer)

	page1 = get_timeline(customer, start=0, page_length=2)
	page2 = get_timeline(customer, start=2, page_length=2)
	assert page1[0].reference_name == si.name
	dates = [r.posting_date for r in page1 + page2]
	assert dates == sorted(dates, reverse=True) and len(dates) == 4


def test_manual_touchpoint_updates_relationship_and_may_not_pose_as_billing():
	customer = make_customer()
	log(customer, "Visit", days_ago=3)
	rel = frappe.get_doc("Customer Relationship", customer)
	assert str(rel.last_touchpoint_date) == add_days(nowdate(), -3) and rel.touchpoints_90d == 1

	with pytest.raises(frappe.ValidationError, match="Touchpoint Type"):
		log(customer, "Invoice")


def test_recorded_touchpoint_fields_cannot_be_edited_or_deleted():
	customer = make_customer()
	si = invoice(customer)
	tp = frappe.get_doc("Customer Touchpoint", {"reference_name": si.name})
	tp.summary = "customer asked for a copy"
	tp.save()  # notes may be added
	tp.amount = 1
	with pytest.raises(frappe.ValidationError):
		tp.save()
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc("Customer Touchpoint", tp.name)


def test_customer_form_timeline_shows_touchpoints():
	customer = make_customer()
	si = invoice(customer)
	items = timeline_content("Customer", customer)
	assert len(items) == 1 and si.name in items[0]["content"]
	assert timeline_content("Item", "anything") == []


def test_timeline_links_open_the_document_in_this_lines_desk():
	"""The link is Frappe's own form path: ``/app/...`` on v15, ``/desk/...`` on v16 (no redirect)."""
	from urllib.parse import urlsplit

	from frappe.utils import get_url_to_form

	customer = make_customer()
	si = invoice(customer)
	(item,) = timeline_content("Customer", customer)
	assert f'href="{urlsplit(get_url_to_form("Sales Invoice", si.name)).path}"' in item["content"]
