"""Every whitelisted method of crm_plus and every crm_plus doctype, tried over HTTP by each persona:
exactly the personas of the allow-list (``crm_plus/access_matrix.py``) get through, every other one is
refused. A new endpoint or doctype without an entry there fails here."""

import importlib
import inspect
import json
import pkgutil

import frappe
import pytest
from frappe.utils import nowdate

import crm_plus
from crm_plus.access import CRM_PLUS_MODULES
from crm_plus.access_matrix import DOCTYPES, METHODS, PERSONAS
from crm_plus.feedback import api as feedback_api
from tests.integration.factories import forget_rate_limit
from tests.integration.http import Client, Records, persona_user


def _whitelisted_methods() -> set[str]:
	for module in pkgutil.walk_packages(crm_plus.__path__, "crm_plus."):
		if ".demo" in module.name or module.name.endswith(("patches", "commands")):
			continue
		try:
			importlib.import_module(module.name)
		except Exception:
			continue
	found = set()
	for fn in frappe.whitelisted:
		fn = inspect.unwrap(fn)
		if getattr(fn, "__module__", "").startswith("crm_plus."):
			found.add(f"{fn.__module__}.{fn.__qualname__}")
	return found


def test_every_endpoint_and_doctype_has_an_entry():
	assert _whitelisted_methods() == set(METHODS)
	doctypes = set(
		frappe.get_all(
			"DocType",
			filters={"module": ("in", CRM_PLUS_MODULES), "istable": 0},
			pluck="name",
		)
	)
	assert doctypes == set(DOCTYPES)


@pytest.fixture(scope="module")
def matrix(site, http_url):
	records = Records()
	try:
		frappe.set_user("Administrator")
		values = _records(records)
		clients = {persona: Client(http_url, persona_user(persona)) for persona in PERSONAS}
		yield values, clients
	finally:
		records.cleanup()


def _records(records: Records) -> dict:
	from tests.integration.plan_helpers import make_plan

	customer = records.add(
		{
			"doctype": "Customer",
			"customer_name": f"_CRM Matrix {frappe.generate_hash(length=6)}",
			"customer_group": "_Test Customer Group",
			"territory": "_Test Territory",
		}
	).name
	plan = make_plan(goals=[("Revenue", 1000, 1)])
	records.track("CRM Plan", plan.name)
	rule = records.add(
		{
			"doctype": "Lifecycle Rule",
			"title": f"_CRM Matrix Rule {frappe.generate_hash(length=6)}",
			"enabled": 0,
			"condition": "few_followups",
			"parameters": [{"parameter": "count", "value": 1}, {"parameter": "days", "value": 1}],
			"action": "Log Only",
			"customer_group": "_Test Customer Group",
		}
	).name
	survey = records.add(
		{
			"doctype": "Feedback Survey",
			"title": f"_CRM Matrix Survey {frappe.generate_hash(length=6)}",
			"audience": "Customer",
			"active": 1,
			"questions": [{"question": "How satisfied are you?", "question_type": "Rating"}],
		}
	).name
	program = records.add(
		{
			"doctype": "CRM Adoption Program",
			"title": f"_CRM Matrix Program {frappe.generate_hash(length=6)}",
			"period": "Monthly",
			"start_date": nowdate(),
			"metrics": [{"metric": "competitor_notes", "weight": 1, "target": 1}],
			"tiers": [{"threshold": 50, "reward": "Lunch"}],
			"roles": [{"role": "Sales User"}],
		}
	).name
	reward = records.add(
		{
			"doctype": "CRM Adoption Reward",
			"program": program,
			"user": "Administrator",
			"period_start": "2026-01-01",
			"period_end": "2026-01-31",
			"status": "Proposed",
			"score": 80,
			"reward": "Lunch",
		}
	).name
	from crm_plus.touchpoints import relationship

	relationship.refresh([customer])
	invitation = records.add(
		{
			"doctype": "Feedback Invitation",
			"survey": survey,
			"customer": customer,
			"email": "matrix@example.com",
			"token_hash": frappe.generate_hash(length=64),
			"status": "Not Sent",
		}
	).name
	frappe.db.commit()
	return {
		"customer": customer,
		"plan": plan.name,
		"rule": rule,
		"survey": survey,
		"program": program,
		# calls that act on a deal are tried only by those refused
		"quotation": "_CRM-NO-SUCH-QUOTATION",
		"reward": reward,
		"invitation": invitation,
	}


def _call(http: Client, method: str, args: dict, values: dict):
	args = {k: v.format(**values) if isinstance(v, str) else v for k, v in args.items()}
	if "doc" in args:
		doctype, name = args.pop("doc").split(":", 1)
		return http.run_doc_method(doctype, name, method.rsplit(".", 1)[1], **args)
	allowed = frappe.allowed_http_methods_for_whitelisted_func.get(frappe.get_attr(method)) or ["POST"]
	return http.call(method, "POST" if "POST" in allowed else "GET", **args)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_endpoint(matrix, method):
	values, clients = matrix
	allowed, args, acts = METHODS[method]
	outcomes = {}
	try:
		for persona, http in clients.items():
			if persona in allowed and acts:
				continue
			response = _call(http, method, args, values)
			outcomes[persona] = response.status_code
	finally:
		# the guest survey submit is rate-limited per address: these calls must not use up the tests' share
		forget_rate_limit(method, feedback_api.RATE_WINDOW)
	wrong = {
		persona: status
		for persona, status in outcomes.items()
		if (persona in allowed) == (status in (401, 403))
	}
	assert not wrong, f"{method}: allowed {sorted(allowed)}, got {json.dumps(outcomes)}"


@pytest.mark.parametrize("doctype", sorted(DOCTYPES))
def test_doctype_list(matrix, doctype):
	_values, clients = matrix
	if frappe.get_meta(doctype).issingle:
		outcomes = {p: http.get_doc(doctype, doctype).status_code for p, http in clients.items()}
	else:
		outcomes = {persona: http.list(doctype).status_code for persona, http in clients.items()}
	expected = {persona: 200 if persona in DOCTYPES[doctype] else 403 for persona in clients}
	# Frappe answers a guest's refused list with 403 as well (v15) or 401 (no session)
	outcomes = {p: 403 if s == 401 else s for p, s in outcomes.items()}
	assert outcomes == expected, doctype
