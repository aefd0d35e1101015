"""A rule's Preview that finds nobody says why, with what to change: the rule's restrictions (the company
Frappe used to fill in by default among them), its cooldown; to a user who reads only some customers, nothing
about the others."""

import frappe

from crm_plus.lifecycle import api, engine
from tests.integration.factories import make_user
from tests.integration.lifecycle_helpers import customer_in, fresh_group, make_rule, touchpoint

SALES_MANAGER = ("Sales Manager", "Sales User", "CRM Manager")


def waiting(customer: str) -> None:
	touchpoint(customer, "Feedback", "Inbound", hours_ago=30)


def test_nobody_within_the_rules_restrictions_names_them():
	group, elsewhere = fresh_group(), fresh_group()
	waiting(customer_in(elsewhere))  # meets the condition, outside the rule's group
	rule = make_rule(group, "unanswered_feedback", {"hours": 24})
	frappe.set_user(make_user(*SALES_MANAGER))
	out = api.preview(rule.name)
	assert out["total"] == 0 and not out["matches"]
	(problem,) = out["problems"]
	assert group in problem["reason"] and "_Test Company" in problem["reason"]
	assert problem["fix"]["label"]


def test_customers_held_back_by_the_cooldown_are_counted():
	group = fresh_group()
	for _i in range(2):
		waiting(customer_in(group))
	rule = make_rule(group, "unanswered_feedback", {"hours": 24}, company=None)
	assert len(engine.run_rule(rule.name)) == 2
	frappe.set_user(make_user(*SALES_MANAGER))
	out = api.preview(rule.name)
	assert out["total"] == 0
	held = [p["reason"] for p in out["problems"] if "30" in p["reason"]]
	assert held and "2" in held[0], out["problems"]


def test_a_user_restricted_to_some_customers_learns_nothing_of_the_others():
	group = fresh_group()
	waiting(customer_in(group))
	mine = customer_in(group)
	rule = make_rule(group, "unanswered_feedback", {"hours": 24}, company=None)
	user = make_user(*SALES_MANAGER)
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": mine}
	).insert(ignore_permissions=True)
	frappe.set_user(user)
	out = api.preview(rule.name)
	assert out["total"] == 0
	(problem,) = out["problems"]
	assert not any(ch.isdigit() for ch in problem["reason"]) and group not in problem["reason"]


def test_a_rule_saved_from_the_form_without_a_company_applies_to_every_company():
	"""The form clears the company Frappe fills in (the user's default) and sends it empty; Frappe would fill
	a missing one again on insert."""
	import json

	from frappe.desk.form.save import savedocs

	frappe.set_user(make_user(*SALES_MANAGER))
	title = f"_Test Rule {frappe.generate_hash(length=8)}"
	doc = {
		"doctype": "Lifecycle Rule",
		"__islocal": 1,
		"name": "new-lifecycle-rule-1",
		"title": title,
		"condition": "unanswered_feedback",
		"company": "",
		"action": "Log Only",
		"cooldown_days": 30,
	}
	savedocs(json.dumps(doc), "Save")
	assert frappe.db.get_value("Lifecycle Rule", title, "company") is None
