"""A contact logged by hand records whom we spoke to, the outcome and the next follow-up, which becomes a ToDo
through Frappe's assignment API; logged from a lifecycle alert, it resolves the alert."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from crm_plus.lifecycle.actions import assign
from tests.integration.factories import make_customer, make_user
from tests.integration.lifecycle_helpers import make_rule

ACCOUNT_MANAGER = ("Sales User", "CRM User")


def contact_of(customer: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Mei",
				"last_name": frappe.generate_hash(length=6),
				"email_ids": [
					{"email_id": f"mei-{frappe.generate_hash(length=6)}@example.com", "is_primary": 1}
				],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def call(customer: str, **values):
	return frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": "Call",
			"direction": "Outbound",
			"channel": "Phone",
			**values,
		}
	).insert()


def follow_ups(touchpoint) -> list[dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "Customer Touchpoint", "reference_name": str(touchpoint.name)},
		fields=["name", "allocated_to", "date", "status", "description", "assigned_by"],
		order_by="creation asc",
	)


def test_a_call_records_whom_we_spoke_to_the_outcome_and_a_follow_up_todo():
	user = make_user(*ACCOUNT_MANAGER)
	customer = make_customer(account_manager=user)
	contact = contact_of(customer)
	frappe.set_user(user)
	tp = call(
		customer,
		contact=contact,
		outcome="Follow-up Agreed",
		summary="Wants the new price list",
		next_follow_up=add_days(nowdate(), 3),
	)
	stored = frappe.db.get_value(
		"Customer Touchpoint", tp.name, ["contact", "outcome", "user", "follow_up_todo"], as_dict=True
	)
	assert (stored.contact, stored.outcome, stored.user) == (contact, "Follow-up Agreed", user)
	(todo,) = follow_ups(tp)
	assert stored.follow_up_todo == todo.name
	assert (todo.allocated_to, getdate(todo.date), todo.status, todo.assigned_by) == (
		user,
		getdate(add_days(nowdate(), 3)),
		"Open",
		user,
	)
	customer_name = frappe.db.get_value("Customer", customer, "customer_name")
	assert customer_name in todo.description and "Wants the new price list" in todo.description
	# the touchpoint is assigned to its responsible user, as any assignment of Frappe's
	assert user in frappe.parse_json(frappe.db.get_value("Customer Touchpoint", tp.name, "_assign"))


def test_the_follow_up_moves_changes_hands_and_is_cancelled_with_its_date():
	user, other = make_user(*ACCOUNT_MANAGER), make_user(*ACCOUNT_MANAGER)
	customer = make_customer(account_manager=user)
	frappe.set_user(user)
	tp = call(customer, next_follow_up=add_days(nowdate(), 2))
	(first,) = follow_ups(tp)

	tp.reload()
	tp.next_follow_up = add_days(nowdate(), 5)
	tp.save()
	(moved,) = follow_ups(tp)
	assert moved.name == first.name and getdate(moved.date) == getdate(add_days(nowdate(), 5))

	tp.reload()
	tp.user = other
	tp.save()
	rows = {row.allocated_to: row for row in follow_ups(tp)}
	assert rows[user].status == "Cancelled"
	assert rows[other].status == "Open" and getdate(rows[other].date) == getdate(add_days(nowdate(), 5))
	assert frappe.db.get_value("Customer Touchpoint", tp.name, "follow_up_todo") == rows[other].name

	tp.reload()
	tp.next_follow_up = None
	tp.save()
	assert {row.status for row in follow_ups(tp)} == {"Cancelled"}
	assert not frappe.db.get_value("Customer Touchpoint", tp.name, "follow_up_todo")


def test_a_done_follow_up_is_not_made_again_by_a_later_save():
	user = make_user(*ACCOUNT_MANAGER)
	customer = make_customer(account_manager=user)
	frappe.set_user(user)
	tp = call(customer, next_follow_up=add_days(nowdate(), 1))
	(todo,) = follow_ups(tp)
	closed = frappe.get_doc("ToDo", todo.name)
	closed.status = "Closed"
	closed.save()
	tp.reload()
	tp.summary = "Called back as agreed"
	tp.save()
	assert [row.status for row in follow_ups(tp)] == ["Closed"]


def test_the_contact_must_be_the_customers_and_the_follow_up_not_in_the_past():
	user = make_user(*ACCOUNT_MANAGER)
	customer, stranger = make_customer(account_manager=user), make_customer()
	someone_else = contact_of(stranger)
	frappe.set_user(user)
	with pytest.raises(frappe.ValidationError, match="Spoke With"):
		call(customer, contact=someone_else)
	with pytest.raises(frappe.ValidationError, match="Next Follow-up"):
		call(customer, next_follow_up=add_days(nowdate(), -1))


def test_a_document_touchpoint_has_no_contact_outcome_or_follow_up():
	customer = make_customer()
	tp = frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": "Call",
			"reference_doctype": "Customer",
			"reference_name": customer,
			"outcome": "Reached",
			"next_follow_up": add_days(nowdate(), 1),
		}
	).insert(ignore_permissions=True)
	assert not tp.outcome and not tp.next_follow_up and not follow_ups(tp)


def _open_alert(customer: str, responsible: str):
	rule = make_rule(None, "few_followups", {"count": 1, "days": 30}, action="Assign ToDo")
	alert = frappe.get_doc(
		{
			"doctype": "Lifecycle Alert",
			"rule": rule.name,
			"customer": customer,
			"status": "Open",
			"window_start": nowdate(),
			"condition": "few_followups",
		}
	).insert(ignore_permissions=True)
	todo = assign("Lifecycle Alert", alert.name, responsible, "Call them")
	frappe.db.set_value("Lifecycle Alert", alert.name, {"todo": todo, "responsible_user": responsible})
	return alert.name, todo


def test_a_call_logged_from_an_alert_resolves_it_and_closes_its_todo():
	user = make_user(*ACCOUNT_MANAGER)
	customer = make_customer(account_manager=user)
	alert, todo = _open_alert(customer, user)
	frappe.set_user(user)
	tp = call(
		customer,
		lifecycle_alert=alert,
		resolve_alert=1,
		outcome="Follow-up Agreed",
		next_follow_up=add_days(nowdate(), 2),
	)
	assert frappe.db.get_value("Lifecycle Alert", alert, "status") == "Resolved"
	assert frappe.db.get_value("ToDo", todo, "status") == "Closed"
	assert [row.status for row in follow_ups(tp)] == ["Open"]
	assert frappe.db.get_value("Customer Touchpoint", tp.name, "lifecycle_alert") == str(alert)


def test_a_call_that_did_not_reach_the_customer_leaves_the_alert_open():
	user = make_user(*ACCOUNT_MANAGER)
	customer = make_customer(account_manager=user)
	alert, todo = _open_alert(customer, user)
	frappe.set_user(user)
	call(customer, lifecycle_alert=alert, resolve_alert=0, outcome="No Answer")
	assert frappe.db.get_value("Lifecycle Alert", alert, "status") == "Open"
	assert frappe.db.get_value("ToDo", todo, "status") == "Open"


def test_an_alert_of_another_customer_or_one_the_user_may_not_resolve_is_refused():
	user = make_user(*ACCOUNT_MANAGER)
	customer, other = make_customer(account_manager=user), make_customer()
	alert, _todo = _open_alert(other, user)
	frappe.set_user(user)
	with pytest.raises(frappe.ValidationError, match="Lifecycle Alert"):
		call(customer, lifecycle_alert=alert, resolve_alert=1)
	# a Sales User reads customers and logs calls but may not change alerts (no role on them)
	frappe.set_user("Administrator")
	seller = make_user("Sales User")
	mine, _todo = _open_alert(other, seller)
	frappe.set_user(seller)
	with pytest.raises(frappe.PermissionError):
		call(other, lifecycle_alert=mine, resolve_alert=1)
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Lifecycle Alert", mine, "status") == "Open"
