"""Helpers of the lifecycle tests: rules, customers of their own group, backdated records."""

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from tests.integration.factories import invoice, make_customer


def fresh_group() -> str:
	"""A customer group of the test's own, so a rule sees only the test's customers."""
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"_CRM Lifecycle {frappe.generate_hash(length=8)}",
				"parent_customer_group": "All Customer Groups",
			}
		)
		.insert()
		.name
	)


def make_user(*roles: str) -> str:
	email = f"lifecycle-{frappe.generate_hash(length=8)}@example.com"
	user = frappe.get_doc(
		{"doctype": "User", "email": email, "first_name": "Lifecycle", "send_welcome_email": 0}
	).insert()
	if roles:
		user.add_roles(*roles)
	return user.name


def make_rule(group: str | None, condition: str, parameters: dict, action: str = "Log Only", **extra):
	doc = frappe.get_doc(
		{
			"doctype": "Lifecycle Rule",
			"title": f"_Test Rule {frappe.generate_hash(length=8)}",
			"enabled": 1,
			"customer_group": group,
			"condition": condition,
			"parameters": [{"parameter": k, "value": v} for k, v in parameters.items()],
			"action": action,
			"cooldown_days": 30,
			# the company of ERPNext's test factories, whatever the site's default company is
			"company": "_Test Company",
			**extra,
		}
	)
	return doc.insert()


def customer_in(group: str, **extra) -> str:
	return make_customer(customer_group=group, **extra)


def bought(customer: str, days_ago: int, rate: float = 100, **kwargs):
	return invoice(customer, rate=rate, posting_date=add_days(nowdate(), -days_ago), **kwargs)


def backdate_customer(customer: str, days: int) -> None:
	frappe.db.set_value(
		"Customer", customer, "creation", add_to_date(now_datetime(), days=-days), update_modified=False
	)


def touchpoint(customer: str, touchpoint_type: str, direction: str, hours_ago: float = 0, days_ago: int = 0):
	doc = frappe.get_doc(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": touchpoint_type,
			"direction": direction,
			"company": "_Test Company",  # not the site's default company
			"posting_date": add_days(nowdate(), -days_ago),
		}
	).insert()
	if hours_ago or days_ago:
		when = add_to_date(now_datetime(), hours=-hours_ago, days=-days_ago)
		frappe.db.set_value("Customer Touchpoint", doc.name, "creation", when, update_modified=False)
	return doc.name


def alerts(rule) -> list[dict]:
	return frappe.get_all(
		"Lifecycle Alert",
		filters={"rule": rule.name if hasattr(rule, "name") else rule},
		fields=[
			"name",
			"customer",
			"explanation",
			"status",
			"todo",
			"email_queue",
			"action_taken",
			"stage_set",
		],
		order_by="customer asc",
	)


def customers(rows) -> list[str]:
	return sorted(r["customer"] for r in rows)
