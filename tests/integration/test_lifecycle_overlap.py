"""Rules never touch a churned customer unless they name the stage Churned, and two rules on the same fact
give a person one ToDo (or one e-mail), not two: the later alert is merged into the open one."""

import frappe

from crm_plus.lifecycle import engine
from crm_plus.testing import make_outgoing_email_account
from crm_plus.touchpoints import relationship
from tests.integration.lifecycle_helpers import (
	alerts,
	bought,
	customer_in,
	fresh_group,
	make_rule,
	make_user,
)


def _overdue(group, **extra) -> str:
	customer = customer_in(group, **extra)
	bought(customer, days_ago=61)
	return customer


def _set_stage(customer: str, stage: str) -> None:
	relationship.refresh([customer])  # the relationship exists whenever the refresh after an invoice runs
	frappe.db.set_value("Customer Relationship", customer, "lifecycle_stage", stage)
	assert frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") == stage


def test_a_rule_for_every_stage_leaves_churned_customers_alone():
	group = fresh_group()
	churned, active = _overdue(group), _overdue(group)
	_set_stage(churned, "Churned")
	_set_stage(active, "Maintenance")
	every_stage = make_rule(group, "no_purchase", {"days": 60})
	assert [row.customer for row in engine.matches(every_stage)] == [active]
	assert {a.customer for a in alerts(every_stage.name)} == set()
	engine.run_rule(every_stage.name)
	assert {a.customer for a in alerts(every_stage)} == {active}

	# a rule meant for churned customers says so: Churned among its stages
	win_back = make_rule(
		group, "no_purchase", {"days": 60}, stages=[{"lifecycle_stage": "Churned"}], cooldown_days=1
	)
	assert [row.customer for row in engine.matches(win_back)] == [churned]
	meta = frappe.get_meta("Lifecycle Rule")
	assert "Churned" in meta.get_field("stages").description


def test_two_rules_on_the_same_fact_give_one_todo_and_the_second_alert_says_so():
	owner = make_user("CRM User")
	group = fresh_group()
	customer = _overdue(group, account_manager=owner)
	first = make_rule(group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="Account Owner")
	frappe.clear_messages()
	second = make_rule(group, "no_purchase", {"days": 30}, action="Assign ToDo", responsible="Account Owner")
	# saving the second rule names the first, and what happens to customers both match
	said = " ".join(str(m) for m in frappe.get_message_log())
	assert first.title in said and "merged" in said

	(kept,) = engine.run_rule(first.name)
	(merged,) = engine.run_rule(second.name)
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Lifecycle Alert", "allocated_to": owner, "status": "Open"},
		pluck="reference_name",
	)
	assert todos == [str(kept)]
	doc = frappe.get_doc("Lifecycle Alert", merged)
	assert (doc.status, doc.merged_into, doc.todo) == ("Merged", str(kept), None)
	assert doc.customer == customer and str(kept) in doc.action_taken and first.name in doc.action_taken
	# the merged alert is not open work; the cooldown of its rule still runs from it
	assert engine.matches(second) == []


def test_rules_on_the_same_fact_for_different_people_both_act():
	owner, collector = make_user("CRM User"), make_user("CRM User")
	group = fresh_group()
	_overdue(group, account_manager=owner)
	to_owner = make_rule(
		group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="Account Owner"
	)
	to_collector = make_rule(
		group,
		"no_purchase",
		{"days": 60},
		action="Assign ToDo",
		responsible="User",
		responsible_user=collector,
	)
	engine.run_rule(to_owner.name)
	engine.run_rule(to_collector.name)
	(a,), (b,) = alerts(to_owner), alerts(to_collector)
	assert (a.status, b.status) == ("Open", "Open") and a.todo and b.todo


def test_the_same_recipient_is_not_emailed_twice_for_the_same_fact():
	make_outgoing_email_account()
	owner = make_user("CRM User")
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_Test Overlap {frappe.generate_hash(length=6)}",
			"subject": "Please call {{ customer_name }}",
			"response": "Why: {{ explanation }}",
		}
	).insert()
	group = fresh_group()
	_overdue(group, account_manager=owner)
	rules = [
		make_rule(
			group,
			"no_purchase",
			{"days": days},
			action="Send Email",
			email_template=template.name,
			responsible="Account Owner",
		)
		for days in (60, 45)
	]
	for rule in rules:
		engine.run_rule(rule.name)
	(first,), (second,) = alerts(rules[0]), alerts(rules[1])
	assert first.email_queue and first.status == "Open"
	assert second.status == "Merged" and not second.email_queue


def test_only_the_engine_merges_an_alert():
	group = fresh_group()
	_overdue(group)
	rule = make_rule(group, "no_purchase", {"days": 60})
	(name,) = engine.run_rule(rule.name)
	doc = frappe.get_doc("Lifecycle Alert", name)
	doc.status = "Merged"
	try:
		doc.save()
	except frappe.ValidationError as e:
		assert "Merged" in str(e)
	else:
		raise AssertionError("a person merged an alert")
