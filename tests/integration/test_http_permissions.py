"""Nobody reads or changes what they may not, by any path: each finding of the permission audit reproduced
through real HTTP requests as a user without the right (refused), and as one with it (let through).

Customer A and B; "restricted" users have a User Permission on A only. What is made here is committed
(the web server is another process) and deleted when the module ends.
"""

import json

import frappe
import pytest
from frappe.utils import add_to_date, now_datetime, nowdate

from crm_plus.touchpoints import relationship
from tests.integration.http import Client, Records, message, persona_user

# what is made here is committed (the web server is another process), and deleted when the module ends
pytestmark = pytest.mark.commits

SECRET = "secret observation about B"
OVERDUE_B = 7778.37
AMOUNT_B = 4321.5


@pytest.fixture(scope="module")
def world(site, http_url):
	records = Records()
	try:
		yield _build(records, http_url)
	finally:
		records.cleanup()


def _build(records: Records, url: str) -> frappe._dict:
	frappe.set_user("Administrator")
	w = frappe._dict(url=url)
	group = records.add(
		{
			"doctype": "Customer Group",
			"customer_group_name": f"_CRM HTTP {frappe.generate_hash(length=6)}",
			"parent_customer_group": "All Customer Groups",
		}
	).name
	w.group = group
	for key in ("a", "b"):
		w[key] = records.add(
			{
				"doctype": "Customer",
				"customer_name": f"_CRM HTTP {key.upper()} {frappe.generate_hash(length=6)}",
				"customer_group": group,
				"territory": "_Test Territory",
			}
		).name
		# known for ten days: the follow-up rule looks at customers known for its whole window
		frappe.db.set_value(
			"Customer", w[key], "creation", add_to_date(now_datetime(), days=-10), update_modified=False
		)
	# one logged call each; B's touchpoint and relationship carry amounts only managers may read
	w.call_a = _touchpoint(records, w.a)
	w.call_b = _touchpoint(records, w.b)

	w.users = {
		persona: persona_user(persona)
		for persona in ("website", "crm_user", "sales_user", "account_manager", "sales_manager")
	}
	w.users["accounts"] = persona_user("accounts")
	w.users["support"] = persona_user("support")
	w.users["restricted_sales"] = persona_user("restricted_sales", ("Sales User", "CRM User"))
	w.users["restricted_manager"] = persona_user("restricted_manager", ("Sales Manager", "Sales User"))
	for persona in ("restricted_sales", "restricted_manager"):
		records.add(
			{
				"doctype": "User Permission",
				"user": w.users[persona],
				"allow": "Customer",
				"for_value": w.a,
				"apply_to_all_doctypes": 1,
			}
		)

	# two rules that match A and B (few follow-ups): one previewed, one with an open alert of B
	w.rule, rule = (
		records.add(
			{
				"doctype": "Lifecycle Rule",
				"title": f"_CRM HTTP Rule {frappe.generate_hash(length=6)}",
				"enabled": 1,
				"customer_group": group,
				"condition": "few_followups",
				"parameters": [{"parameter": "count", "value": 5}, {"parameter": "days", "value": 1}],
				"action": "Log Only",
				"cooldown_days": 30,
			}
		)
		for _ in range(2)
	)
	w.rule = w.rule.name
	alert = records.add(
		{
			"doctype": "Lifecycle Alert",
			"rule": rule.name,
			"customer": w.b,
			"status": "Open",
			"matched_on": now_datetime(),
			"condition": "few_followups",
			"window_start": nowdate(),
			"explanation": "few follow-ups",
		}
	)
	# an autoincrement name is not set on the document by insert
	w.alert = alert.name or frappe.db.get_value("Lifecycle Alert", {"rule": rule.name, "customer": w.b})
	records.made[-1] = ("Lifecycle Alert", w.alert)
	from frappe.desk.form.assign_to import add as assign

	assign({"assign_to": [w.users["sales_manager"]], "doctype": "Lifecycle Alert", "name": w.alert})
	w.todo = frappe.db.get_value(
		"ToDo", {"reference_type": "Lifecycle Alert", "reference_name": w.alert, "status": "Open"}
	)
	frappe.db.set_value("Lifecycle Alert", w.alert, "todo", w.todo)
	frappe.db.commit()

	w.competitor = records.add(
		{"doctype": "Competitor", "competitor_name": f"_CRM HTTP Rival {frappe.generate_hash(length=6)}"}
	).name
	w.note_a = _note(records, w.competitor, w.a, "observation about A")
	w.note_b = _note(records, w.competitor, w.b, SECRET)

	survey = records.add(
		{
			"doctype": "Feedback Survey",
			"title": f"_CRM HTTP Survey {frappe.generate_hash(length=6)}",
			"audience": "Customer",
			"active": 1,
			"questions": [{"question": "How satisfied are you?", "question_type": "Rating", "required": 1}],
		}
	)
	response = frappe.get_doc(
		{
			"doctype": "Feedback Response",
			"survey": survey.name,
			"customer": w.b,
			"channel": "Email Link",
			"comment": "the guest's own words",
			"answers": [
				{
					"question": survey.questions[0].name,
					"question_text": survey.questions[0].question,
					"question_type": "Rating",
					"answer": "5",
					"value": 5,
				}
			],
		}
	)
	w.response = records.add(response).name

	from tests.integration.plan_helpers import make_plan

	plan = make_plan(goals=[("Revenue", 1000, 1)], activate=True)
	records.track("CRM Plan", plan.name)
	plan.close()
	w.plan = plan.name

	# last, after every record that refreshes the relationships: B's figures only managers may read
	relationship.refresh([w.a, w.b])
	frappe.db.set_value("Customer Relationship", w.b, "overdue_amount", OVERDUE_B)
	frappe.db.set_value("Customer Touchpoint", w.call_b, {"amount": AMOUNT_B, "base_amount": AMOUNT_B})
	frappe.db.commit()
	return w


def _touchpoint(records: Records, customer: str) -> str:
	return records.add(
		{
			"doctype": "Customer Touchpoint",
			"customer": customer,
			"touchpoint_type": "Call",
			"direction": "Outbound",
			"company": "_Test Company",
			"posting_date": nowdate(),
			"summary": f"call to {customer}",
		}
	).name


def _note(records: Records, competitor: str, customer: str, text: str) -> str:
	return records.add(
		{
			"doctype": "Competitor Note",
			"competitor": competitor,
			"customer": customer,
			"aspect": "Pricing",
			"observation": text,
			"observed_on": nowdate(),
		}
	).name


def client(w, persona: str) -> Client:
	return Client(w.url, w.users.get(persona))


def _alert_status(w) -> str:
	frappe.db.rollback()  # read what the server committed
	return frappe.db.get_value("Lifecycle Alert", w.alert, "status")


# -- ToDo -> alert -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["website", "restricted_sales"])
def test_a_todo_pointing_at_an_alert_does_not_resolve_it(world, persona):
	http = client(world, persona)
	made = http.post(
		"ToDo",
		{
			"description": "close me",
			"reference_type": "Lifecycle Alert",
			"reference_name": world.alert,
			"allocated_to": world.users[persona],
		},
	)
	if made.ok:
		todo = message(made) or made.json()["data"]
		http.put("ToDo", todo["name"], {"status": "Closed"})
		frappe.db.rollback()
		frappe.delete_doc("ToDo", todo["name"], force=True, ignore_permissions=True)
		frappe.db.commit()
	assert _alert_status(world) == "Open"
	# nor does closing the alert's own ToDo, for a user who may not change the alert
	closed = http.put("ToDo", world.todo, {"status": "Closed"})
	assert not closed.ok
	assert _alert_status(world) == "Open"


def test_the_alerts_own_todo_closed_by_its_assignee_resolves_it(world):
	http = client(world, "sales_manager")
	assert http.put("ToDo", world.todo, {"status": "Closed"}).ok
	assert _alert_status(world) == "Resolved"
	assert http.put("ToDo", world.todo, {"status": "Open"}).ok
	assert _alert_status(world) == "Open"


# -- preview, cards, chart --------------------------------------------------------------------------------


def test_preview_names_only_customers_the_user_may_read(world):
	managers = message(client(world, "sales_manager").call("crm_plus.lifecycle.api.preview", rule=world.rule))
	assert {world.a, world.b} <= {row["customer"] for row in managers["matches"]}

	restricted = message(
		client(world, "restricted_manager").call("crm_plus.lifecycle.api.preview", rule=world.rule)
	)
	assert [row["customer"] for row in restricted["matches"]] == [world.a]
	assert restricted["total"] == 1

	crm_user = message(client(world, "crm_user").call("crm_plus.lifecycle.api.preview", rule=world.rule))
	assert crm_user["total"] == 0 and crm_user["matches"] == []


def test_cards_count_what_the_users_list_shows(world):
	for persona in ("crm_user", "restricted_sales", "sales_manager"):
		http = client(world, persona)
		card = message(http.call("crm_plus.insights.cards.open_lifecycle_alerts"))
		listed = http.call(
			"frappe.client.get_count", doctype="Lifecycle Alert", filters=json.dumps({"status": "Open"})
		)
		assert card["value"] == message(listed), persona
	assert (
		message(client(world, "crm_user").call("crm_plus.insights.cards.open_lifecycle_alerts"))["value"] == 0
	)
	# the restricted user's list has no alert of B: B's open alert is counted for the manager only
	assert (
		message(client(world, "restricted_sales").call("crm_plus.insights.cards.open_lifecycle_alerts"))[
			"value"
		]
		== 0
	)


def test_touchpoint_chart_counts_only_readable_customers(world):
	def this_week(persona: str) -> int:
		chart = message(
			client(world, persona).call(
				"crm_plus.insights.dashboard_chart_source.crm_plus_touchpoints_by_type.crm_plus_touchpoints_by_type.get",
				to_date=nowdate(),
			)
		)
		return sum(dataset["values"][-1] for dataset in chart["datasets"])

	# A's call and competitor note, not B's
	def active(customer):
		return frappe.db.count("Customer Touchpoint", {"customer": customer, "status": "Active"})

	assert this_week("restricted_sales") == active(world.a)
	assert this_week("sales_manager") >= active(world.a) + active(world.b)


# -- money -------------------------------------------------------------------------------------------------


def test_amounts_cannot_be_filtered_sorted_or_grouped_by_who_may_not_read_them(world):
	sales = client(world, "account_manager")
	by_amount = [["overdue_amount", "=", OVERDUE_B]]
	refused = [
		sales.list("Customer Relationship", filters=by_amount),
		sales.list("Customer Relationship", order_by="overdue_amount desc"),
		sales.list("Customer Relationship", filters={"overdue_amount": OVERDUE_B}),
		sales.call("frappe.client.get_list", doctype="Customer Relationship", filters=by_amount),
		sales.call("frappe.client.get_count", doctype="Customer Relationship", filters=by_amount),
		sales.call(
			"frappe.desk.reportview.get",
			doctype="Customer Relationship",
			fields=["name"],
			order_by="`tabCustomer Relationship`.`overdue_amount` desc",
		),
		sales.call("frappe.desk.reportview.get_count", doctype="Customer Relationship", filters=by_amount),
		sales.list("Customer Touchpoint", filters=[["amount", "=", AMOUNT_B]]),
		sales.list("Customer Touchpoint", order_by="base_amount desc"),
	]
	for response in refused:
		assert response.status_code == 403, (response.request.url, response.text[:300])
		assert world.b not in response.text
	# what they may read still filters and sorts
	assert sales.list("Customer Relationship", filters={"name": world.b}).ok

	accounts = client(world, "accounts")
	found = accounts.list("Customer Relationship", filters=by_amount)
	assert found.ok and [row["name"] for row in found.json()["data"]] == [world.b]


# -- what was submitted stays so ---------------------------------------------------------------------------


def test_a_submitted_answer_cannot_be_rewritten(world):
	sales = client(world, "account_manager")
	before = frappe.get_doc("Feedback Response", world.response)
	for values in (
		{"comment": "rewritten"},
		{"answers": [{**before.answers[0].as_dict(), "answer": "1", "value": 1}]},
		{"csat": 0},
	):
		assert not sales.put("Feedback Response", world.response, values).ok, values
	support = client(world, "support")
	for values in ({"submitted_on": "2020-01-01 00:00:00"}, {"invitation": None, "channel": "Web Form"}):
		assert not support.put("Feedback Response", world.response, values).ok, values
	frappe.db.rollback()
	after = frappe.get_doc("Feedback Response", world.response)
	assert after.comment == "the guest's own words" and after.answers[0].value == 5
	assert after.csat == before.csat and after.submitted_on == before.submitted_on
	assert after.channel == "Email Link"
	# what an agent does is kept in its own fields
	handled = support.put(
		"Feedback Response", world.response, {"status": "Acknowledged", "internal_note": "called back"}
	)
	assert handled.ok, handled.text[:300]
	frappe.db.rollback()
	assert frappe.db.get_value("Feedback Response", world.response, ["status", "internal_note"]) == (
		"Acknowledged",
		"called back",
	)


def test_a_record_of_another_customer_cannot_be_taken_over(world):
	restricted = client(world, "restricted_sales")
	assert restricted.get_doc("Competitor Note", world.note_b).status_code == 403
	for doctype, name in (
		("Competitor Note", world.note_b),
		("Customer Touchpoint", world.call_b),
		("Feedback Response", world.response),
	):
		moved = restricted.put(doctype, name, {"customer": world.a})
		assert not moved.ok, (doctype, moved.text[:300])
		assert SECRET not in moved.text
		frappe.db.rollback()
		assert frappe.db.get_value(doctype, name, "customer") == world.b, doctype
	# the user with the right still moves their own records
	assert restricted.put("Competitor Note", world.note_a, {"threat_level": "High"}).ok


def test_competitor_insights_counts_only_readable_customers(world):
	def notes(persona: str) -> int:
		result = client(world, persona).call(
			"frappe.desk.query_report.run",
			report_name="Competitor Insights",
			filters=json.dumps({"competitor": world.competitor}),
		)
		assert result.ok, result.text[:300]
		rows = [row for row in message(result)["result"] if isinstance(row, dict) and row.get("competitor")]
		return sum(row["notes"] for row in rows)

	assert notes("restricted_sales") == 1
	assert notes("sales_manager") == 2


def test_a_closed_plan_cannot_be_activated_again(world):
	http = client(world, "sales_manager")
	doc = frappe.get_doc("CRM Plan", world.plan).as_dict()
	doc["status"] = "Draft"
	response = http.request(
		"POST",
		"/api/method/run_doc_method",
		data={"docs": frappe.as_json(doc), "method": "activate"},
	)
	assert not response.ok
	frappe.db.rollback()
	assert frappe.db.get_value("CRM Plan", world.plan, "status") == "Closed"
