"""A Lifecycle Rule made in the desk: Condition choices, parameters, Preview, Run now, alert and ToDo."""

import re

import frappe
from frappe.utils import add_to_date, now_datetime

CONDITION = "unanswered_feedback"
LABEL = "Feedback or complaint not answered within H hours"


def waiting_customers(site_data, owner: str) -> tuple[str, str, str]:
	"""A fresh customer group with two customers whose inbound feedback has waited 30 hours: one with an
	account manager (``owner``), one without."""
	group = site_data.insert(
		{
			"doctype": "Customer Group",
			"customer_group_name": f"_CRM Browser {frappe.generate_hash(length=6)}",
			"parent_customer_group": "All Customer Groups",
		}
	).name
	owned = site_data.customer(customer_group=group, account_manager=owner)
	orphan = site_data.customer(customer_group=group)
	for customer in (owned, orphan):
		tp = frappe.get_doc(
			{
				"doctype": "Customer Touchpoint",
				"customer": customer,
				"touchpoint_type": "Feedback",
				"direction": "Inbound",
				"channel": "Email",
				"summary": "The delivery was late",
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value(
			"Customer Touchpoint", tp.name, "creation", add_to_date(now_datetime(), hours=-30)
		)
	frappe.db.commit()
	return group, owned, orphan


def choose_condition(desk, label: str):
	page = desk.page
	field = page.locator('.frappe-control[data-fieldname="condition"] input')
	field.click()
	field.fill("")
	field.press_sequentially(label[:8])
	page.locator(".awesomplete ul li", has_text=label).first.click()
	page.locator('.frappe-control[data-fieldname="title"] input').click()  # blur
	desk.idle()


def test_condition_shows_labels_and_a_rule_is_created_from_the_desk(desk, site_data):
	page = desk.goto("lifecycle-rule/new")
	desk.form("Lifecycle Rule")
	title = f"_CRM Browser rule {frappe.generate_hash(length=6)}"
	page.locator('.frappe-control[data-fieldname="title"] input').fill(title)
	label = desk.__(LABEL)
	if desk.lang == "zh":
		assert label == "反馈或投诉在 H 小时内未得到答复"

	# the choices are there, with their labels (the field was built before they arrived)
	field = page.locator('.frappe-control[data-fieldname="condition"] input')
	field.click()
	choices = page.locator(".awesomplete ul li")
	choices.first.wait_for()
	assert choices.count() >= 5
	assert label in choices.all_inner_texts()[0] or any(label in t for t in choices.all_inner_texts())
	choose_condition(desk, label)

	# the parameters table shows the parameter's label, not its key
	grid = page.locator('.frappe-control[data-fieldname="parameters"] .grid-body')
	grid.get_by_text(desk.__("Hours"), exact=True).wait_for()
	assert "hours" not in grid.inner_text().split()
	page.locator('.frappe-control[data-fieldname="condition"]').scroll_into_view_if_needed()
	desk.screenshot("lifecycle-rule-new")

	page.keyboard.press("Control+s")
	desk.wait_for_route(r"lifecycle-rule/(?!new).+")
	desk.idle()
	site_data.track("Lifecycle Rule", title)
	assert frappe.db.get_value("Lifecycle Rule", title, "condition") == CONDITION

	# reopened, the rule shows the label too, in the form and in the list
	page.reload()
	desk.idle()
	assert field.input_value() == label
	desk.goto(f"lifecycle-rule?name={title}")
	page.locator(".list-row-container", has_text=label).first.wait_for()


def test_a_typed_label_is_accepted_as_the_condition(desk, site_data):
	"""Typing the label (not choosing it) stores the key, and the condition's parameters are filled."""
	title = f"_CRM Browser rule {frappe.generate_hash(length=6)}"
	desk.goto("lifecycle-rule/new")
	desk.form("Lifecycle Rule")
	desk.page.evaluate(
		"""([title, label]) => {
			cur_frm.set_value("title", title);
			cur_frm.doc.condition = label;  // as a person typing it without picking the choice
		}""",
		[title, desk.__(LABEL)],
	)
	desk.page.keyboard.press("Control+s")
	desk.wait_for_route(r"lifecycle-rule/(?!new).+")
	desk.idle()
	site_data.track("Lifecycle Rule", title)
	rule = frappe.get_doc("Lifecycle Rule", title)
	assert rule.condition == CONDITION
	assert [(p.parameter, p.value) for p in rule.parameters] == [("hours", 24)]


def test_preview_run_now_alert_and_todo(desk, site_data):
	group, owned, orphan = waiting_customers(site_data, desk.user)
	rule = site_data.insert(
		{
			"doctype": "Lifecycle Rule",
			"title": f"_CRM Browser rule {frappe.generate_hash(length=6)}",
			"enabled": 0,
			"condition": CONDITION,
			"customer_group": group,
			"action": "Assign ToDo",
			"responsible": "Account Owner",
			"cooldown_days": 30,
		}
	).name
	page = desk.goto(f"lifecycle-rule/{rule}")

	page.get_by_role("button", name=desk.__("Preview"), exact=True).click()
	dialog = page.locator(".modal.show .modal-content").last
	dialog.get_by_text(owned).wait_for()
	assert orphan in dialog.inner_text()
	page.wait_for_timeout(600)  # the dialog's fade-in
	desk.screenshot("lifecycle-rule-preview")
	desk.close_dialogs()

	def run_now(screenshot: str | None = None) -> str:
		page.get_by_role("button", name=desk.__("Run now"), exact=True).click()
		page.locator(".modal.show .btn-primary", has_text=desk.__("Yes")).last.click()
		message = page.locator(".modal.show .msgprint").last
		message.wait_for()
		text = message.inner_text()
		if screenshot:
			page.wait_for_timeout(600)
			desk.screenshot(screenshot)
		desk.close_dialogs()
		desk.idle()
		return text

	first = run_now("lifecycle-run-now")
	assert page.evaluate("() => __('{0} new alerts.', [2])") in first
	# the customer without an account owner: said so, with what to set
	assert desk.__("Account Owner") in first and desk.__("Fallback User") in first
	second = run_now()
	assert page.evaluate("() => __('{0} new alerts.', [0])") in second
	assert "30" in second and "2" in second  # two customers held back by the 30-day cooldown

	alerts = {
		a.customer: a
		for a in frappe.get_all(
			"Lifecycle Alert", filters={"rule": rule}, fields=["name", "customer", "todo"]
		)
	}
	assert set(alerts) == {owned, orphan}
	assert not alerts[orphan].todo
	todo = alerts[owned].todo
	assert frappe.db.get_value("ToDo", todo, "allocated_to") == desk.user

	# the alert list names customers, not numeric IDs
	page = desk.goto(f"lifecycle-alert?rule={rule}")
	page.locator(".list-row-container", has_text=owned).first.wait_for()
	assert desk.__("ID") not in page.locator(".list-row-head").first.inner_text().split("\n")
	desk.screenshot("lifecycle-alert-list")

	# the alert shows its values as a table, not JSON, and leads to its ToDo
	page = desk.goto(f"lifecycle-alert/{alerts[owned].name}")
	page.locator(".crm-plus-matched-values table").wait_for()
	assert "{" not in page.locator(".crm-plus-matched-values").inner_text()
	desk.screenshot("lifecycle-alert")
	page.goto(f"{desk.base_url}/app/todo/{todo}")
	desk.idle()
	assert owned in page.locator(".form-layout").inner_text()


def test_run_now_names_the_fallback_once_set(desk, site_data):
	"""With a fallback user on the rule, the customer without an owner gets a ToDo too."""
	group, owned, orphan = waiting_customers(site_data, desk.user)
	rule = site_data.insert(
		{
			"doctype": "Lifecycle Rule",
			"title": f"_CRM Browser rule {frappe.generate_hash(length=6)}",
			"condition": CONDITION,
			"customer_group": group,
			"action": "Assign ToDo",
			"responsible": "Account Owner",
			"fallback_user": desk.user,
			"cooldown_days": 30,
		}
	).name
	out = desk.goto(f"lifecycle-rule/{rule}") and desk.call("crm_plus.lifecycle.api.run_now", rule=rule)
	assert out["new"] == 2 and out["unassigned"] == []
	todos = frappe.get_all("Lifecycle Alert", filters={"rule": rule}, pluck="todo")
	assert len(todos) == 2 and all(todos)
