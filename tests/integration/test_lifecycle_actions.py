"""Rule actions, with their ToDo, Email Queue and stage really created, and alerts that never duplicate."""

import frappe
import pytest
from frappe.utils import add_days, add_to_date, getdate, now_datetime

from crm_plus.lifecycle import api, engine, responsible
from crm_plus.testing import make_outgoing_email_account
from tests.integration.lifecycle_helpers import (
	alerts,
	bought,
	customer_in,
	customers,
	fresh_group,
	make_rule,
	make_user,
)


def _overdue_customers(group, n=2, **extra):
	out = []
	for _ in range(n):
		customer = customer_in(group, **extra)
		bought(customer, days_ago=61)
		out.append(customer)
	return out


def test_assign_todo_to_account_owner_and_closing_it_resolves_the_alert():
	owner = make_user("CRM User")
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1, account_manager=owner)
	rule = make_rule(group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="Account Owner")

	(name,) = engine.run_rule(rule.name)
	alert = frappe.get_doc("Lifecycle Alert", name)
	todo = frappe.get_doc("ToDo", alert.todo)
	assert (todo.allocated_to, todo.reference_type, todo.reference_name) == (
		owner,
		"Lifecycle Alert",
		str(name),
	)
	assert "61 days since last invoice" in todo.description and customer in todo.description
	assert alert.responsible_user == owner and alert.status == "Open"

	todo.status = "Closed"
	todo.save()
	alert.reload()
	assert alert.status == "Resolved" and alert.resolved_on


def test_assign_todo_to_named_user_and_role_users():
	user = make_user()
	make_user("CRM Manager")
	make_user("CRM Manager")  # at least two, whatever other users the site has
	group = fresh_group()
	pair = _overdue_customers(group, 2)
	named = make_rule(
		group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="User", responsible_user=user
	)
	by_role = make_rule(
		group,
		"no_purchase",
		{"days": 60},
		action="Assign ToDo",
		responsible="Role",
		responsible_role="CRM Manager",
	)

	engine.run_rule(named.name)
	assert {frappe.db.get_value("ToDo", a.todo, "allocated_to") for a in alerts(named)} == {user}
	engine.run_rule(by_role.name)
	assigned = [frappe.db.get_value("ToDo", a.todo, "allocated_to") for a in alerts(by_role)]
	assert len(assigned) == len(pair) and set(assigned) <= set(responsible.role_users("CRM Manager"))
	assert len(set(assigned)) == 2  # role users take turns
	assert {frappe.db.get_value("ToDo", a.todo, "role") for a in alerts(by_role)} == {"CRM Manager"}


def test_stage_owner_from_active_crm_plan():
	if not frappe.db.table_exists("CRM Plan Stage Owner"):
		pytest.skip("CRM Plan is not installed on this site")
	owner = make_user("CRM User")
	_close_other_plans()
	_active_plan("_Test Company", {"Nurturing": owner}, now_datetime())
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1)
	assert frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") == "Nurturing"
	rule = make_rule(group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="Stage Owner")

	engine.run_rule(rule.name)
	(alert,) = alerts(rule)
	assert frappe.db.get_value("ToDo", alert.todo, "allocated_to") == owner


def _close_other_plans() -> None:
	"""Close every active CRM Plan the site holds, in the test's transaction (rolled back after it): the stage
	owners a test expects come from its own plans only."""
	frappe.db.set_value("CRM Plan", {"status": "Active"}, "status", "Closed", update_modified=False)


def _active_plan(company: str, owners: dict[str, str], modified) -> str:
	"""An active CRM Plan of ``company`` with the given stage owners, written as it is stored."""
	plan = frappe.get_doc(
		{
			"doctype": "CRM Plan",
			"title": f"_Test Lifecycle Plan {frappe.generate_hash(length=6)}",
			"company": company,
			"status": "Active",
			"manager": "Administrator",
			"period_from": add_days(getdate(), -30),
			"period_to": add_days(getdate(), 300),
			"evaluation_frequency": "Monthly",
		}
	)
	plan.db_insert()
	for idx, (stage, user) in enumerate(owners.items(), start=1):
		frappe.get_doc(
			{
				"doctype": "CRM Plan Stage Owner",
				"parent": plan.name,
				"parenttype": "CRM Plan",
				"parentfield": "stage_owners",
				"idx": idx,
				"lifecycle_stage": stage,
				"user": user,
			}
		).db_insert()
	frappe.db.set_value("CRM Plan", plan.name, "modified", modified, update_modified=False)
	return plan.name


def _other_company() -> str:
	other = frappe.get_all("Company", filters={"name": ("!=", "_Test Company")}, pluck="name", limit=1)
	if other:
		return other[0]
	return (
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": "_Test Lifecycle Other Company",
				"abbr": "_TLOC",
				"default_currency": "USD",
				"country": "United States",
			}
		)
		.insert()
		.name
	)


def _for_all_companies(rule):
	"""A rule without a company (inserting it filled in the user's default company)."""
	rule.company = None
	rule.save()
	assert not frappe.db.get_value("Lifecycle Rule", rule.name, "company")
	return rule


def test_rule_without_company_takes_stage_owners_of_the_customers_company_only():
	"""A rule for all companies never hands company A's customers to company B's plan owners, however
	recently B's plan was modified."""
	if not frappe.db.table_exists("CRM Plan Stage Owner"):
		pytest.skip("CRM Plan is not installed on this site")
	ours, theirs = make_user("CRM User"), make_user("CRM User")
	_close_other_plans()
	later = add_to_date(now_datetime(), days=1)
	_active_plan("_Test Company", {"Nurturing": ours}, later)
	_active_plan(_other_company(), {"Nurturing": theirs}, add_to_date(later, hours=1))
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1)  # bought from _Test Company only
	assert frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") == "Nurturing"
	rule = _for_all_companies(
		make_rule(group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="Stage Owner")
	)

	engine.run_rule(rule.name)
	(alert,) = alerts(rule)
	assert frappe.db.get_value("ToDo", alert.todo, "allocated_to") == ours


def test_rule_without_company_assigns_nobody_from_another_companys_plan():
	if not frappe.db.table_exists("CRM Plan Stage Owner"):
		pytest.skip("CRM Plan is not installed on this site")
	theirs, fallback = make_user("CRM User"), make_user("CRM User")
	_close_other_plans()
	# only another company has a plan
	_active_plan(_other_company(), {"Nurturing": theirs}, add_to_date(now_datetime(), days=2))
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1)
	assert frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") == "Nurturing"
	rule = _for_all_companies(
		make_rule(group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="Stage Owner")
	)
	# the customer's own company may have an active plan on a shared site: then its owner, never theirs
	ours = responsible.stage_owners("_Test Company").get("Nurturing")
	assert responsible.users_for(rule, [customer]) == {customer: ours}
	rule.fallback_user = fallback
	rule.save()

	engine.run_rule(rule.name)
	(alert,) = alerts(rule)
	assert frappe.db.get_value("ToDo", alert.todo, "allocated_to") == (ours or fallback)


def test_send_email_from_template_through_the_email_queue():
	make_outgoing_email_account()
	owner = make_user("CRM User")
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"_Test Lifecycle {frappe.generate_hash(length=6)}",
			"subject": "Please call {{ customer_name }}",
			"response": "Why: {{ explanation }}",
		}
	).insert()
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1, account_manager=owner)
	rule = make_rule(
		group,
		"no_purchase",
		{"days": 60},
		action="Send Email",
		email_template=template.name,
		responsible="Account Owner",
	)

	engine.run_rule(rule.name)
	(alert,) = alerts(rule)
	queue = frappe.get_doc("Email Queue", alert.email_queue)
	assert (queue.reference_doctype, queue.reference_name, queue.status) == (
		"Lifecycle Alert",
		str(alert.name),
		"Not Sent",
	)
	assert [r.recipient for r in queue.recipients] == [owner]
	customer_name = frappe.db.get_value("Customer", customer, "customer_name")
	assert f"Please call {customer_name}" in queue.message and "61 days since last invoice" in queue.message


def test_set_stage_flags_at_risk_until_the_alert_is_resolved():
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1)
	rule = make_rule(group, "no_purchase", {"days": 60}, action="Set Stage", target_stage="At Risk")

	engine.run_rule(rule.name)
	assert frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") == "At Risk"
	change = frappe.get_all(
		"Customer Stage Change",
		filters={"customer": customer, "to_stage": "At Risk"},
		fields=["from_stage", "rule", "alert"],
	)
	(alert,) = alerts(rule)
	assert change == [{"from_stage": "Nurturing", "rule": rule.name, "alert": str(alert.name)}]

	doc = frappe.get_doc("Lifecycle Alert", alert.name)
	doc.status = "Resolved"
	doc.save()
	assert frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") == "Nurturing"


def test_log_only_creates_the_alert_and_nothing_else():
	group = fresh_group()
	pair = _overdue_customers(group, 2)
	rule = make_rule(group, "no_purchase", {"days": 60})
	todos = frappe.db.count("ToDo")

	engine.run_rule(rule.name)
	rows = alerts(rule)
	assert customers(rows) == sorted(pair)
	assert all(r.action_taken == "Logged" and not r.todo and not r.email_queue for r in rows)
	assert frappe.db.count("ToDo") == todos


def test_cooldown_is_honoured_then_expires():
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1)
	rule = make_rule(group, "no_purchase", {"days": 60}, cooldown_days=30)

	assert len(engine.run_rule(rule.name)) == 1
	assert engine.run_rule(rule.name) == []
	assert engine.preview(rule) == []
	(alert,) = alerts(rule)
	# the first alert is now 31 days old (its window too): the cooldown is over
	past = add_to_date(now_datetime(), days=-31)
	frappe.db.set_value(
		"Lifecycle Alert",
		alert.name,
		{"matched_on": past, "window_start": engine.window_start(getdate(past), 30)},
		update_modified=False,
	)
	assert [a.customer for a in engine.preview(rule)] == [customer]
	assert len(engine.run_rule(rule.name)) == 1
	assert len(alerts(rule)) == 2


def test_database_refuses_a_second_alert_in_the_same_window():
	group = fresh_group()
	(customer,) = _overdue_customers(group, 1)
	rule = make_rule(group, "no_purchase", {"days": 60})
	rows = engine.matches(rule)
	engine.insert_alerts(rule, rows, "first")
	engine.insert_alerts(rule, rows, "second")  # as a second worker would, after the same match
	assert [a.customer for a in alerts(rule)] == [customer]
	assert frappe.db.count("Lifecycle Alert", {"run_token": "second"}) == 0


def test_scheduler_job_twice_creates_no_duplicate():
	group = fresh_group()
	pair = _overdue_customers(group, 2)
	rule = make_rule(
		group,
		"no_purchase",
		{"days": 60},
		action="Assign ToDo",
		responsible="User",
		responsible_user="Administrator",
	)
	hourly_rule = make_rule(group, "unanswered_feedback", {"hours": 1})

	engine.daily()
	engine.daily()
	rows = alerts(rule)
	assert customers(rows) == sorted(pair)
	assert (
		frappe.db.count(
			"ToDo", {"reference_type": "Lifecycle Alert", "reference_name": ("in", [r.name for r in rows])}
		)
		== 2
	)
	assert alerts(hourly_rule) == []  # hour-based rules run hourly, not daily


def test_preview_matches_what_run_now_then_does():
	group = fresh_group()
	_overdue_customers(group, 3)
	customer_in(group)  # a prospect: no purchase yet, not matched
	rule = make_rule(group, "no_purchase", {"days": 60})

	preview = api.preview(rule.name)
	assert preview["total"] == 3
	expected = {(m.customer, m.explanation) for m in preview["matches"]}
	result = api.run_now(rule.name)
	assert {(a.customer, a.explanation) for a in alerts(rule)} == expected
	assert sorted(result["alerts"]) == sorted(a.name for a in alerts(rule))
	assert api.preview(rule.name)["total"] == 0  # all in cooldown now


def test_run_now_needs_a_crm_manager():
	group = fresh_group()
	rule = make_rule(group, "no_purchase", {"days": 60})
	frappe.set_user(make_user("CRM User"))
	with pytest.raises(frappe.PermissionError):
		api.run_now(rule.name)


def test_large_sites_run_in_chunks_on_the_long_queue(monkeypatch):
	group = fresh_group()
	found = _overdue_customers(group, 3)
	rule = make_rule(group, "no_purchase", {"days": 60})
	chunks = engine.customer_chunks(2)
	assert len(chunks) > 1 and chunks[0][0] is None and chunks[-1][1] is None

	queued = []
	monkeypatch.setattr(frappe, "enqueue", lambda method, **kw: queued.append((method, kw)))
	assert engine.enqueue_rule(rule.name, chunk_size=2) == {"queued": len(chunks)}
	assert all(kw["queue"] == "long" and kw["deduplicate"] and kw["job_id"] for _, kw in queued)
	assert len({kw["job_id"] for _, kw in queued}) == len(chunks)

	# the chunks, run as the workers would, alert exactly what one run over everybody would
	for method, kw in queued:
		frappe.get_attr(method)(kw["rule"], kw["chunk_start"], kw["chunk_end"])
	assert customers(alerts(rule)) == sorted(found)
