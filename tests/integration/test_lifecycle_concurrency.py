"""Two workers running the same rule at the same moment, each on its own database connection."""

import threading

import frappe
import pytest

from crm_plus.lifecycle import engine
from tests.integration.lifecycle_helpers import alerts, customer_in, fresh_group, make_rule, touchpoint


def _worker(site: str, rule: str, results: list, errors: list):
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		results.append(engine.run_rule(rule))
		frappe.db.commit()  # nosemgrep: a worker's job commits, as RQ does
	except Exception as e:
		errors.append(e)
		frappe.db.rollback()
	finally:
		frappe.destroy()


@pytest.mark.commits
def test_two_workers_at_once_create_one_alert(monkeypatch):
	site = frappe.local.site
	group = fresh_group()
	customer = customer_in(group)
	tp = touchpoint(customer, "Complaint", "Inbound", hours_ago=30)
	rule = make_rule(group, "unanswered_feedback", {"hours": 24})
	frappe.db.commit()  # nosemgrep: the workers' connections must see the test's records

	# both workers match first, then insert together
	barrier = threading.Barrier(2, timeout=30)
	insert = engine.insert_alerts

	def insert_together(*args, **kwargs):
		barrier.wait()
		return insert(*args, **kwargs)

	monkeypatch.setattr(engine, "insert_alerts", insert_together)
	results, errors = [], []
	workers = [threading.Thread(target=_worker, args=(site, rule.name, results, errors)) for _ in range(2)]
	try:
		for w in workers:
			w.start()
		for w in workers:
			w.join(90)
		assert errors == []
		assert sorted(len(r) for r in results) == [0, 1]  # one worker inserted, the other found it there
		assert [a.customer for a in alerts(rule)] == [customer]
	finally:
		frappe.db.rollback()
		frappe.db.delete("Lifecycle Alert", {"rule": rule.name})
		frappe.db.delete("Customer Touchpoint", {"name": tp})
		frappe.db.delete("Customer Relationship", {"name": customer})
		frappe.db.delete("Customer Stage Change", {"customer": customer})
		frappe.db.delete("Lifecycle Rule Parameter", {"parent": rule.name})
		frappe.db.delete("Lifecycle Rule", {"name": rule.name})
		frappe.db.delete("Customer", {"name": customer})
		frappe.delete_doc("Customer Group", group, force=True)
		frappe.db.commit()  # nosemgrep: remove what this test committed
