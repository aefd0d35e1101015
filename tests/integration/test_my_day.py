"""My Customers Today: the account manager's open alerts, overdue ToDos, today's and the next follow-ups."""

import frappe
import pytest
from frappe.desk.form import assign_to
from frappe.utils import add_days, getdate, nowdate

from crm_plus.touchpoints import my_day
from tests.integration.factories import make_customer, make_user
from tests.integration.test_touchpoint_follow_up import ACCOUNT_MANAGER, _open_alert, call

SALES_MANAGER = ("Sales Manager", "Sales User", "CRM Manager")


def _todo(user: str, customer: str, days: int, description: str) -> str:
	assign_to.add(
		{
			"assign_to": [user],
			"doctype": "Customer",
			"name": customer,
			"description": description,
			"date": add_days(nowdate(), days),
		},
		ignore_permissions=True,
	)
	return frappe.db.get_value(
		"ToDo", {"reference_type": "Customer", "reference_name": customer, "allocated_to": user}, "name"
	)


def test_the_day_lists_my_alerts_and_my_todos_by_when_they_are_due():
	user, other = make_user(*ACCOUNT_MANAGER), make_user(*ACCOUNT_MANAGER)
	customer = make_customer(account_manager=user)
	alert, alert_todo = _open_alert(customer, user)
	theirs, _todo_theirs = _open_alert(make_customer(), other)
	late = _todo(user, customer, -2, "Send the signed contract")
	frappe.set_user(user)
	follow_up = call(customer, next_follow_up=add_days(nowdate(), 3), summary="Quote the renewal")
	far = call(customer, next_follow_up=add_days(nowdate(), 40), summary="Next year's plan")

	day = my_day.get_my_day()
	assert [str(a.name) for a in day["alerts"]] == [str(alert)]  # mine, not another's
	(shown,) = day["alerts"]
	customer_name = frappe.db.get_value("Customer", customer, "customer_name")
	assert shown.customer == customer and shown.customer_name == customer_name
	# its ToDo is the alert itself, not listed again among today's
	listed = {t.name for key in ("overdue", "today", "upcoming") for t in day[key]}
	assert alert_todo not in listed
	assert [t.name for t in day["overdue"]] == [late]
	assert day["overdue"][0].customer_name == customer_name
	upcoming = {t.name: t for t in day["upcoming"]}
	todo = frappe.db.get_value("Customer Touchpoint", follow_up.name, "follow_up_todo")
	assert todo in upcoming and upcoming[todo].customer == customer
	assert getdate(upcoming[todo].date) == getdate(add_days(nowdate(), 3))
	# more than two weeks ahead: not on today's page
	assert frappe.db.get_value("Customer Touchpoint", far.name, "follow_up_todo") not in upcoming
	assert day["can_log"] and str(theirs) not in {str(a.name) for a in day["alerts"]}


@pytest.mark.parametrize(("roles", "money"), [(ACCOUNT_MANAGER, False), (SALES_MANAGER, True)])
def test_alerts_explain_with_amounts_only_for_who_may_read_them(roles, money):
	user = make_user(*roles)
	customer = make_customer(account_manager=user)
	alert, _todo_name = _open_alert(customer, user)
	frappe.db.set_value(
		"Lifecycle Alert",
		alert,
		{
			"condition": "overdue_invoice",
			"facts": frappe.as_json({"invoice": "SINV-TEST-1", "days_overdue": 40, "invoices": 1}),
			"matched_values": frappe.as_json({"overdue_amount": "7,777.00", "min_amount": 0}),
		},
	)
	frappe.set_user(user)
	(shown,) = my_day.get_my_day()["alerts"]
	assert "SINV-TEST-1" in shown.explanation
	assert ("7,777" in shown.explanation) == money


def test_a_customer_the_user_may_not_read_is_not_named():
	user = make_user(*ACCOUNT_MANAGER)
	customer = make_customer()
	_todo(user, customer, 0, "Look into it")
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": make_customer()}
	).insert(ignore_permissions=True)
	frappe.set_user(user)
	(todo,) = [t for t in my_day.get_my_day()["today"] if t.reference_name == customer]
	assert todo.customer is None and todo.customer_name is None


def test_who_may_not_read_touchpoints_is_refused():
	frappe.set_user(make_user("Support Team"))
	with pytest.raises(frappe.PermissionError):
		my_day.get_my_day()
