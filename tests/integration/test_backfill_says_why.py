"""Run Backfill Now says what it will do before it starts (documents, touchpoints so far, customers), that a
backfill runs already or that no worker would run it, and how it ended, with why when it wrote nothing."""

import frappe
import pytest

from crm_plus import readiness
from crm_plus.touchpoints import api, backfill
from crm_plus.touchpoints.sources import SOURCES
from tests.integration.factories import invoice, make_customer


@pytest.fixture
def workers(monkeypatch):
	"""How many background workers the test pretends to have; no job is really queued."""
	queued, enqueue = [], frappe.enqueue

	def enqueue_backfill_aside(method, *args, **kwargs):
		if method == "crm_plus.touchpoints.backfill.run_job":
			return queued.append(kwargs)
		return enqueue(method, *args, **kwargs)

	monkeypatch.setattr(frappe, "enqueue", enqueue_backfill_aside)
	state = {"workers": 1, "running": False, "queued": queued}
	monkeypatch.setattr(readiness, "workers", lambda queue: state["workers"])
	monkeypatch.setattr(readiness, "job_running", lambda job_id: state["running"])
	return state


def test_before_it_starts_it_counts_the_documents_and_customers_and_writes_nothing(workers):
	invoice(make_customer())  # at least one document to record, whatever the site holds
	before = api.before_backfill()
	# submitted and cancelled documents; every contact and service document (they are saved, not submitted)
	documents = {s.doctype: s.count() for s in SOURCES.values()}
	assert documents["Sales Invoice"] == frappe.db.count("Sales Invoice", {"docstatus": ("in", (1, 2))})
	assert documents["Communication"] == frappe.db.count("Communication")
	assert before["documents"] == documents and sum(documents.values()) > 0
	assert before["problems"] == [] and not before["running"]
	assert before["message"].startswith("The backfill records a touchpoint for each submitted or cancelled")
	assert f"{documents['Sales Invoice']} Sales Invoice" in before["message"]
	assert f"each of the {frappe.db.count('Customer')} customers" in before["message"]
	assert workers["queued"] == []


def test_start_queues_one_job_for_the_user_or_says_one_runs_already(workers):
	out = api.start_backfill()
	assert out == {
		"queued": True,
		"problems": [],
		"message": "Backfill queued. Progress is shown here while it runs.",
	}
	(job,) = workers["queued"]
	assert (job["job_id"], job["user"], job["queue"]) == (backfill.JOB_ID, "Administrator", "long")

	workers["running"] = True
	said = "A backfill is running now; its progress is shown here. Starting it again does nothing."
	assert api.before_backfill()["message"] == said
	assert api.start_backfill() == {"queued": False, "problems": [], "message": said}
	assert len(workers["queued"]) == 1


def test_without_a_worker_it_says_the_job_would_wait_and_how_to_run_it(workers):
	workers["workers"] = 0
	(problem,) = api.before_backfill()["problems"]
	assert problem["reason"] == (
		"No background worker is running on this bench: the job waits in the queue until one starts."
	)
	assert problem["fix"]["label"].endswith(f"bench --site {frappe.local.site} crm-plus backfill")
	out = api.start_backfill()
	assert out["queued"] and out["problems"] == [problem] and problem["reason"] in out["message"]


def test_a_backfill_that_wrote_nothing_says_why(monkeypatch):
	invoice(make_customer())  # a document, with its touchpoint: nothing new to record
	assert backfill.outcome({"Sales Invoice": 3, "Overdue": 1}) == "Done: 4 touchpoints written"
	assert backfill.outcome({"Sales Invoice": 0}) == (
		"Done: nothing new, every document already had its touchpoints."
	)
	count = frappe.db.count
	monkeypatch.setattr(
		frappe.db, "count", lambda doctype, *a, **k: 0 if doctype in SOURCES else count(doctype, *a, **k)
	)
	assert backfill.outcome({}) == "Done: nothing to record, ERPNext holds no submitted documents yet."
	assert backfill.plan()["message"].startswith(
		"ERPNext holds no submitted sales, billing or payment documents"
	)


def test_the_job_tells_the_user_who_started_it_how_it_ended(monkeypatch):
	invoice(make_customer())
	published = []
	monkeypatch.setattr(backfill, "backfill", lambda **kwargs: {"Sales Invoice": 0})
	monkeypatch.setattr(frappe, "publish_realtime", lambda *args, **kwargs: published.append((args, kwargs)))
	backfill.run_job(user="Administrator")
	status = frappe.db.get_single_value("CRM Plus Settings", "backfill_status")
	assert status == "Done: nothing new, every document already had its touchpoints."
	((event, data), kwargs) = published[-1]
	assert (event, data, kwargs["user"]) == (backfill.DONE_EVENT, {"message": status}, "Administrator")
