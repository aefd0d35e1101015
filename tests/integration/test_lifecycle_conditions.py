"""Each lifecycle condition, on ERPNext's real documents, with its boundaries."""

import frappe
from erpnext.accounts.doctype.sales_invoice.test_sales_invoice import create_sales_invoice
from frappe.utils import CallbackManager, add_days, now_datetime, nowdate

from crm_plus.lifecycle import engine
from tests.integration.lifecycle_helpers import (
	backdate_customer,
	bought,
	customer_in,
	customers,
	fresh_group,
	make_rule,
	touchpoint,
)


def matched(rule) -> dict:
	return {row.customer: row for row in engine.preview(rule)}


def _overdue_invoice(customer, due_days_ago, rate):
	si = bought(customer, days_ago=due_days_ago + 30, rate=rate, do_not_submit=True)
	si.payment_schedule = []
	si.due_date = add_days(nowdate(), -due_days_ago)
	si.save()
	si.submit()
	return si


def test_no_purchase_boundaries_59_60_61_days():
	group = fresh_group()
	by_age = {}
	for days in (59, 60, 61):
		by_age[days] = customer_in(group)
		bought(by_age[days], days_ago=days)
	rule = make_rule(group, "no_purchase", {"days": 60})

	found = matched(rule)
	assert set(found) == {by_age[60], by_age[61]}
	si = frappe.get_all("Sales Invoice", filters={"customer": by_age[61]}, pluck="name")[0]
	assert found[by_age[61]].explanation == f"61 days since last invoice {si}"
	assert found[by_age[60]].days_since == 60


def test_cancelled_invoices_and_returns_are_not_purchases():
	group = fresh_group()
	cancelled, returned, recent = customer_in(group), customer_in(group), customer_in(group)
	for customer in (cancelled, returned, recent):
		bought(customer, days_ago=70)
	bought(cancelled, days_ago=5).cancel()
	old = frappe.get_last_doc("Sales Invoice", filters={"customer": returned})
	create_sales_invoice(
		customer=returned,
		is_return=1,
		return_against=old.name,
		qty=-1,
		rate=100,
		posting_date=add_days(nowdate(), -3),
	)
	bought(recent, days_ago=5)
	rule = make_rule(group, "no_purchase", {"days": 60})

	assert set(matched(rule)) == {cancelled, returned}


def test_fewer_follow_ups_than_expected():
	group = fresh_group()
	once, twice, new = customer_in(group), customer_in(group), customer_in(group)
	backdate_customer(once, 10)
	backdate_customer(twice, 10)
	touchpoint(once, "Call", "Outbound", days_ago=2)
	touchpoint(once, "Call", "Outbound", days_ago=9)  # outside the 7-day window
	touchpoint(twice, "Call", "Outbound", days_ago=1)
	touchpoint(twice, "Visit", "Outbound", days_ago=6)
	rule = make_rule(group, "few_followups", {"count": 2, "days": 7})

	found = matched(rule)
	assert set(found) == {once}
	assert new not in found  # not yet known for 7 days
	assert found[once].explanation == "1 follow-ups in the last 7 days, at least 2 expected"


def test_feedback_not_answered_within_hours():
	group = fresh_group()
	waiting, answered, fresh = customer_in(group), customer_in(group), customer_in(group)
	complaint = touchpoint(waiting, "Complaint", "Inbound", hours_ago=25)
	touchpoint(answered, "Feedback", "Inbound", hours_ago=30)
	touchpoint(answered, "Call", "Outbound", hours_ago=2)
	touchpoint(fresh, "Feedback", "Inbound", hours_ago=3)
	rule = make_rule(group, "unanswered_feedback", {"hours": 24})

	found = matched(rule)
	assert set(found) == {waiting}
	assert found[waiting].touchpoint == str(complaint) and found[waiting].hours_waiting == 25


def test_purchase_frequency_drop():
	group = fresh_group()
	dropped, steady = customer_in(group), customer_in(group)
	for days in (35, 40, 45, 50):
		bought(dropped, days_ago=days)
	bought(dropped, days_ago=3)
	for days in (5, 10, 40, 50):
		bought(steady, days_ago=days)
	rule = make_rule(group, "frequency_drop", {"percent": 50, "days": 30})

	found = matched(rule)
	assert set(found) == {dropped}
	assert (found[dropped].previous_count, found[dropped].current_count, found[dropped].drop_percent) == (
		4,
		1,
		75,
	)


def test_invoice_overdue_by_more_than_n_days_with_minimum_amount():
	group = fresh_group()
	late, late_small, on_time = customer_in(group), customer_in(group), customer_in(group)

	si = _overdue_invoice(late, 40, 2000)
	_overdue_invoice(late_small, 45, 100)
	_overdue_invoice(on_time, 30, 5000)  # exactly 30 days: not *more* than 30

	assert set(matched(make_rule(group, "overdue_invoice", {"days": 30}))) == {late, late_small}
	found = matched(make_rule(group, "overdue_invoice", {"days": 30, "min_amount": 1000}))
	assert set(found) == {late}
	assert found[late].invoice == si.name and found[late].days_overdue == 40


def test_rule_filters_stage_and_minimum_revenue():
	group = fresh_group()
	small, big = customer_in(group), customer_in(group)
	bought(small, days_ago=70, rate=100)
	bought(big, days_ago=70, rate=5000)
	prospect = customer_in(group)

	rule = make_rule(group, "no_purchase", {"days": 60}, min_lifetime_revenue=1000)
	assert set(matched(rule)) == {big}
	stage_rule = make_rule(
		group, "few_followups", {"count": 1, "days": 1}, stages=[{"lifecycle_stage": "Prospect"}]
	)
	backdate_customer(prospect, 5)
	backdate_customer(small, 5)
	assert customers(engine.preview(stage_rule)) == [prospect]


def test_a_rule_on_stages_group_or_territory_of_few_customers_reads_only_theirs(monkeypatch):
	from crm_plus.lifecycle import scope
	from crm_plus.touchpoints import relationship

	group = fresh_group()
	buyer, prospect, unrecorded = customer_in(group), customer_in(group), customer_in(group)
	bought(buyer, days_ago=20)  # nurturing
	relationship.refresh([prospect])  # a relationship in stage Prospect
	assert frappe.db.get_value("Customer Relationship", prospect, "lifecycle_stage") == "Prospect"
	assert not frappe.db.exists("Customer Relationship", unrecorded)  # a prospect too, with no record yet
	for customer in (buyer, prospect, unrecorded):
		backdate_customer(customer, 5)
	rule = make_rule(
		group, "few_followups", {"count": 1, "days": 1}, stages=[{"lifecycle_stage": "Prospect"}]
	)

	# however many prospects the site holds, bind them all for this test
	monkeypatch.setattr(scope, "LIMIT", 10**6)
	_query, params = engine.match_query(rule)
	assert params["scoped"] == 1
	assert {prospect, unrecorded} <= set(params["scope"]) and buyer not in params["scope"]
	narrowed = customers(engine.preview(rule))
	assert narrowed == sorted([prospect, unrecorded])

	# more prospects than the limit (this test made two): the aggregate runs over everybody, same answer
	monkeypatch.setattr(scope, "LIMIT", 1)
	_query, params = engine.match_query(rule)
	assert params["scoped"] == 0
	assert customers(engine.preview(rule)) == narrowed

	# a customer group or a territory of few customers narrows a rule too, to a sub-group's customers
	# as well; the rule's other restrictions still apply
	monkeypatch.setattr(scope, "LIMIT", 10**6)
	by_group = make_rule(group, "no_purchase", {"days": 10})
	assert sorted(engine.match_query(by_group)[1]["scope"]) == sorted([buyer, prospect, unrecorded])
	assert customers(engine.preview(by_group)) == [buyer]
	parent = frappe.get_doc(
		{
			"doctype": "Territory",
			"territory_name": f"_CRM Test {frappe.generate_hash(length=8)}",
			"is_group": 1,
		}
	).insert()
	child = frappe.get_doc(
		{
			"doctype": "Territory",
			"territory_name": f"_CRM Test {frappe.generate_hash(length=8)}",
			"parent_territory": parent.name,
		}
	).insert()
	frappe.db.set_value("Customer", buyer, "territory", child.name)
	by_territory = make_rule(None, "no_purchase", {"days": 10}, territory=parent.name)
	by_territory.customer_group = None
	assert engine.match_query(by_territory)[1]["scope"] == (buyer,)
	assert customers(engine.preview(by_territory)) == [buyer]
	# group and territory together: the customers of both
	by_territory.customer_group = group
	assert engine.match_query(by_territory)[1]["scope"] == (buyer,)
	frappe.db.set_value("Customer", prospect, "territory", child.name)
	assert sorted(engine.match_query(by_territory)[1]["scope"]) == sorted([buyer, prospect])
	# no restriction, or the roots of the trees (the form's defaults): never narrowed
	by_territory.customer_group = by_territory.territory = None
	assert engine.match_query(by_territory)[1]["scoped"] == 0
	by_territory.customer_group, by_territory.territory = "All Customer Groups", "All Territories"
	assert engine.match_query(by_territory)[1]["scoped"] == 0

	# once a refresh of everybody has given every customer a relationship, prospects without one are
	# looked for only among customers modified since (here: one modified before, whose record was lost)
	monkeypatch.setattr(scope, "LIMIT", 10**6)
	frappe.db.set_value(
		"Customer", unrecorded, "modified", add_days(now_datetime(), -3), update_modified=False
	)
	before = relationship.complete_since()
	try:
		frappe.cache.set_value(relationship.COMPLETE_SINCE, add_days(now_datetime(), -1))
		assert unrecorded not in engine.match_query(rule)[1]["scope"]
		# deleting a relationship forgets that every customer has one
		frappe.delete_doc("Customer Relationship", prospect, ignore_permissions=True)
		assert relationship.complete_since() is None
		assert {prospect, unrecorded} <= set(engine.match_query(rule)[1]["scope"])
		# a refresh of everybody gives them their relationship and, once committed, remembers since when
		started = now_datetime()
		monkeypatch.setattr(frappe.db, "after_commit", CallbackManager())
		relationship.refresh_all()
		assert relationship.complete_since() is None
		frappe.db.after_commit.run()  # what the commit of its last chunk runs
		assert relationship.complete_since() >= started
		assert frappe.db.exists("Customer Relationship", unrecorded)
		assert customers(engine.preview(rule)) == narrowed
	finally:
		if before:
			frappe.cache.set_value(relationship.COMPLETE_SINCE, before)
		else:
			relationship.forget_complete()


def test_rules_for_every_company_read_the_relationship_figures_and_match_alike():
	"""No purchase and overdue, for every company, read the customers' relationship figures; a rule for one
	company aggregates its invoices. On the same customers both find the same matches and explain them by
	the same invoice and days."""
	from crm_plus.lifecycle.conditions import get_condition

	group = fresh_group()
	quiet, recent, returned, late, later, paid = (customer_in(group) for _i in range(6))
	bought(quiet, days_ago=90)
	last = bought(quiet, days_ago=61)
	bought(recent, days_ago=70)
	bought(recent, days_ago=3)
	old = bought(returned, days_ago=80)
	create_sales_invoice(
		customer=returned, is_return=1, return_against=old.name, qty=-1, rate=100, posting_date=nowdate()
	)
	_overdue_invoice(late, 31, 200)
	oldest = _overdue_invoice(later, 50, 300)
	_overdue_invoice(later, 40, 400)
	_overdue_invoice(paid, 60, 100).cancel()

	for condition, parameters in (("no_purchase", {"days": 60}), ("overdue_invoice", {"days": 30})):
		per_company = make_rule(group, condition, parameters)
		every_company = make_rule(group, condition, parameters, company=None)
		assert get_condition(condition).query(None, parameters) == get_condition(condition).figures_sql
		by_figures, by_invoices = matched(every_company), matched(per_company)
		assert set(by_figures) == set(by_invoices)
		for customer, row in by_figures.items():
			keys = ("invoice", "days_since") if condition == "no_purchase" else ("invoice", "days_overdue")
			assert [row[k] for k in keys] == [by_invoices[customer][k] for k in keys]

	no_purchase = matched(make_rule(group, "no_purchase", {"days": 60}, company=None))
	assert set(no_purchase) == {quiet, returned, late, later}  # the late payers bought 61+ days ago too
	assert no_purchase[quiet].explanation == f"61 days since last invoice {last.name}"
	overdue = matched(make_rule(group, "overdue_invoice", {"days": 30}, company=None))
	# every invoice here is unpaid (the buyers' too); the cancelled one is not
	assert {late, later} <= set(overdue) and paid not in overdue
	assert (overdue[later].invoice, overdue[later].days_overdue, overdue[later].invoices) == (
		oldest.name,
		50,
		2,
	)
	# a minimum applies to each invoice: the invoices themselves are read, even for every company
	assert (
		get_condition("overdue_invoice").query(None, {"min_amount": 350})
		== get_condition("overdue_invoice").sql
	)
	assert set(
		matched(make_rule(group, "overdue_invoice", {"days": 30, "min_amount": 350}, company=None))
	) == {later}  # only its 400 invoice is as large
