"""Helpers of the lifecycle tests: rules, customers of their own group, backdated records."""

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from tests.integration.factories import invoice, log_touchpoint, make_customer, make_user
from tests.integration.factories import make_customer_group as fresh_group


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
	created = add_to_date(now_datetime(), hours=-hours_ago, days=-days_ago) if hours_ago or days_ago else None
	return log_touchpoint(customer, touchpoint_type, direction, add_days(nowdate(), -days_ago), created)


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
