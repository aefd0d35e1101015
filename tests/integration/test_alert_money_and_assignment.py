"""Lifecycle alerts: amounts only for who may read them, texts in the reader's language, assignments
through Frappe, Notifications once per new alert; state-changing methods refuse GET; "Evaluate now"
twice makes one draft and one ToDo."""

import frappe
import pytest
from frappe.desk.form.load import getdoc
from frappe.utils import add_days, nowdate

from crm_plus.lifecycle import api as lifecycle_api
from crm_plus.lifecycle import engine
from crm_plus.plans import api as plans_api
from crm_plus.plans import evaluation
from crm_plus.testing import make_outgoing_email_account
from tests.integration.factories import invoice_due, make_user
from tests.integration.lifecycle_helpers import bought, customer_in, fresh_group, make_rule
from tests.integration.plan_helpers import make_plan

AMOUNT = 4321


@pytest.fixture(autouse=True)
def many_users(monkeypatch):
	"""The shared test site creates many users an hour; Frappe's throttle is not what is tested here."""
	monkeypatch.setattr("frappe.core.doctype.user.user.throttle_user_creation", lambda: None)


def _overdue(group) -> str:
	customer = customer_in(group)
	invoice_due(customer, AMOUNT, add_days(nowdate(), -50), add_days(nowdate(), -40))
	return customer


def _amount_shown(text: str) -> bool:
	return any(s in (text or "") for s in ("4321", "4,321", "4.321"))


def test_a_crm_user_reads_alerts_previews_and_lists_without_amounts():
	group = fresh_group()
	_overdue(group)
	rule = make_rule(group, "overdue_invoice", {"days": 30})
	crm_user = make_user("CRM User", "Sales User")  # reads customers, not amounts

	# the preview (before the run: the cooldown leaves alerted customers out of it)
	(match,) = lifecycle_api.preview(rule.name)["matches"]
	assert _amount_shown(match["explanation"]) and match["overdue_amount"]
	frappe.set_user(crm_user)
	(match,) = lifecycle_api.preview(rule.name)["matches"]
	assert "overdue_amount" not in match and not _amount_shown(match["explanation"])
	assert "overdue by" in match["explanation"]

	frappe.set_user("Administrator")
	(name,) = engine.run_rule(rule.name)
	# the manager sees the amount; the stored text (lists, reports) and the facts carry none
	full = frappe.get_doc("Lifecycle Alert", name)
	assert _amount_shown(full.render_explanation())
	assert not _amount_shown(full.explanation) and not _amount_shown(full.facts)

	frappe.set_user(crm_user)
	frappe.response.docs = []
	getdoc("Lifecycle Alert", str(name))
	seen = frappe.response.docs[0]
	assert "overdue by" in seen.explanation and not _amount_shown(seen.explanation)
	assert not seen.get("matched_values")
	(row,) = frappe.get_list(
		"Lifecycle Alert", filters={"name": name}, fields=["explanation", "facts", "matched_values"]
	)
	assert not any(_amount_shown(str(v)) for v in row.values())


def test_the_form_shows_the_texts_in_the_readers_language():
	group = fresh_group()
	customer = customer_in(group)
	bought(customer, days_ago=61)
	user = make_user("CRM User", "Sales User")
	rule = make_rule(
		group, "no_purchase", {"days": 60}, action="Assign ToDo", responsible="User", responsible_user=user
	)
	(name,) = engine.run_rule(rule.name)
	frappe.db.set_value("User", user, "language", "zh")
	frappe.set_user(user)
	frappe.local.lang = "zh"
	try:
		frappe.response.docs = []
		getdoc("Lifecycle Alert", str(name))
		seen = frappe.response.docs[0]
		assert seen.explanation == frappe._("{days_since} days since last invoice {invoice}").format(
			**frappe.parse_json(seen.facts)
		)
		assert seen.action_taken == frappe._("ToDo assigned to {0}").format(user)
		assert seen.action_taken != f"ToDo assigned to {user}"  # shipped in Chinese
	finally:
		frappe.local.lang = "en"


def test_todos_go_through_frappes_assignment_and_round_robin_continues():
	role = frappe.get_doc({"doctype": "Role", "role_name": f"_Test RR {frappe.generate_hash(length=6)}"})
	role.insert()
	users = sorted(make_user("CRM User", role.name) for _ in range(3))
	group = fresh_group()
	first = [customer_in(group) for _ in range(2)]
	for customer in first:
		bought(customer, days_ago=61)
	rule = make_rule(
		group,
		"no_purchase",
		{"days": 60},
		action="Assign ToDo",
		responsible="Role",
		responsible_role=role.name,
	)

	names = engine.run_rule(rule.name)
	assigned = [frappe.db.get_value("Lifecycle Alert", n, "responsible_user") for n in names]
	assert assigned == users[:2]
	# Frappe's assignment: the assignee is notified
	for name, user in zip(names, assigned, strict=True):
		assert frappe.db.exists(
			"Notification Log",
			{
				"for_user": user,
				"type": "Assignment",
				"document_type": "Lifecycle Alert",
				"document_name": str(name),
			},
		)

	later = customer_in(group)
	bought(later, days_ago=61)
	(name,) = engine.run_rule(rule.name)
	# the next run continues after the last user assigned, not from the first
	assert frappe.db.get_value("Lifecycle Alert", name, "responsible_user") == users[2]


def test_a_notification_on_new_alerts_sends_one_email_per_alert():
	make_outgoing_email_account()
	frappe.get_doc(
		{
			"doctype": "Notification",
			"name": f"_Test New Alert {frappe.generate_hash(length=6)}",
			"document_type": "Lifecycle Alert",
			"event": "New",
			"channel": "Email",
			"subject": "New alert {{ doc.name }}",
			"message": "{{ doc.customer }}: {{ doc.explanation }}",
			"recipients": [{"cc": "crm-alerts@example.com"}],
			"enabled": 1,
		}
	).insert()
	group = fresh_group()
	for _ in range(2):
		bought(customer_in(group), days_ago=61)
	rule = make_rule(group, "no_purchase", {"days": 60})

	names = engine.run_rule(rule.name)
	assert len(names) == 2
	assert engine.run_rule(rule.name) == []  # nothing new: nothing announced again
	for name in names:
		queued = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Lifecycle Alert", "reference_name": str(name)},
			pluck="message",
		)
		assert len(queued) == 1 and f"New alert {name}" in queued[0]


def test_evaluate_now_twice_makes_one_draft_and_one_todo(monkeypatch):
	plan = make_plan(goals=[("Revenue", 1000, 1)], activate=True, manager=make_user("CRM Manager"))
	first = plans_api.evaluate_now(plan.name)["name"]
	assert plans_api.evaluate_now(plan.name)["name"] == first

	# two clicks at once: both miss the draft on their first look; the unique key keeps it to one
	get_value = frappe.db.get_value

	def miss_the_draft(doctype, filters=None, *args, **kwargs):
		if doctype == "CRM Plan Evaluation" and isinstance(filters, dict) and "draft_key" in filters:
			if not kwargs.get("for_update"):
				return None
		return get_value(doctype, filters, *args, **kwargs)

	monkeypatch.setattr(frappe.db, "get_value", miss_the_draft)
	assert plans_api.evaluate_now(plan.name)["name"] == first
	monkeypatch.undo()
	assert frappe.db.count("CRM Plan Evaluation", {"plan": plan.name}) == 1
	assert frappe.db.count("ToDo", {"reference_type": "CRM Plan Evaluation", "reference_name": first}) == 1


STATE_CHANGING = (
	"crm_plus.plans.api.evaluate_now",
	"crm_plus.touchpoints.api.start_backfill",
	"crm_plus.touchpoints.doctype.customer_relationship.customer_relationship.refresh_figures",
	"crm_plus.lifecycle.api.run_now",
	"crm_plus.plans.doctype.crm_plan.crm_plan.CRMPlan.activate",
	"crm_plus.plans.doctype.crm_plan.crm_plan.CRMPlan.close",
)


@pytest.mark.parametrize("method", STATE_CHANGING)
def test_state_changing_methods_refuse_get(method):
	from frappe.handler import is_valid_http_method

	module, _dot, name = method.rpartition(".")
	if module.endswith(("CRMPlan",)):
		module, _dot, cls = module.rpartition(".")
		fn = getattr(getattr(frappe.get_module(module), cls), name)
	else:
		fn = getattr(frappe.get_module(module), name)
	request = getattr(frappe.local, "request", None)
	try:
		frappe.local.request = frappe._dict(method="GET")
		with pytest.raises(frappe.PermissionError):
			is_valid_http_method(fn)
		frappe.local.request = frappe._dict(method="POST")
		is_valid_http_method(fn)
	finally:
		if request is None:
			del frappe.local.request
		else:
			frappe.local.request = request
