"""Heavy jobs never hold up billing.

Each job runs in the test's transaction and leaves it open (under test a chunk's commit only ends the
chunk), which is the worst case: whatever the job locked is still locked. Then a second connection, with
``innodb_lock_wait_timeout = 1``, submits a Sales Invoice through ERPNext. A job that share-locked ERPNext's
rows (``INSERT ... SELECT`` or ``UPDATE ... JOIN`` over them) makes that submit wait and fail.
"""

import threading
import time
import traceback

import frappe
import pytest
from erpnext.accounts.doctype.sales_invoice.test_sales_invoice import create_sales_invoice

from crm_plus.lifecycle import engine, stages
from crm_plus.plans import evaluation
from crm_plus.touchpoints import backfill, chunks, reconcile, relationship, sources
from tests.integration.lifecycle_helpers import make_rule
from tests.integration.plan_helpers import make_plan

# a customer of ERPNext's committed test records: the other connection cannot see the test's own
CUSTOMER = "_Test Customer"


def _submit_elsewhere(site: str, outcome: dict):
	"""Another connection submits a Sales Invoice, waiting at most 1 s for any lock; then rolls back, so
	nothing of it stays."""
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		si = create_sales_invoice(customer=CUSTOMER, do_not_save=True)
		# the name first, at the usual lock wait: every session on the shared site takes the invoice
		# naming series; then everything the submit writes, waiting at most 1 s for any lock
		name = frappe.model.naming.make_autoname(si.naming_series + ".#####", doc=si)
		frappe.db.sql("set session innodb_lock_wait_timeout = 1")
		started = time.perf_counter()
		si.insert(set_name=name)
		si.submit()
		outcome["invoice"] = si.name
		outcome["seconds"] = time.perf_counter() - started
		outcome["touchpoint"] = frappe.db.get_value(
			"Customer Touchpoint", {"reference_doctype": "Sales Invoice", "reference_name": si.name}
		)
	except Exception as e:
		outcome["error"] = repr(e)
		outcome["where"] = [
			f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(e.__traceback__)
		][-12:]
	finally:
		frappe.db.rollback()
		frappe.destroy()


def submit_while_open(attempts: int = 3) -> dict:
	"""Submit from another connection; other test sessions on the shared site may hold a lock of their own
	for a moment, so a few attempts are made. The job's locks, if it took any, stay until this test ends:
	then every attempt fails."""
	for _attempt in range(attempts):
		outcome = {}
		worker = threading.Thread(target=_submit_elsewhere, args=(frappe.local.site, outcome))
		worker.start()
		worker.join(120)
		if "error" not in outcome:
			break
		time.sleep(3)
	return outcome


def _rule():
	rule = make_rule(None, "overdue_invoice", {"days": 0})
	engine.run_rule(rule.name)


def _plan():
	plan = make_plan(goals=[("Revenue", 1000, 1)], activate=True)
	evaluation.evaluate_on_demand(plan)


JOBS = {
	"backfill": lambda: backfill.backfill(restart=True),
	"reconcile": lambda: reconcile.reconcile(),
	"relationship refresh, all customers": lambda: relationship.refresh_all(),
	"relationship refresh, one customer": lambda: relationship.refresh([CUSTOMER]),
	"stage update": lambda: stages.update_stages(None),
	"lifecycle rule run": _rule,
	"plan evaluation": _plan,
}


@pytest.mark.parametrize("job", JOBS)
def test_a_submit_goes_through_while_the_job_transaction_is_open(job):
	JOBS[job]()
	outcome = submit_while_open()
	assert "error" not in outcome, outcome
	assert outcome["invoice"]


WORKER_JOBS = {
	"backfill": lambda: backfill.backfill(
		restart=True, doctypes=["Sales Invoice"], refresh=False, chunk=10**6
	),
	"reconcile": lambda: reconcile.reconcile(refresh=False, chunk=10**6),
}


@pytest.mark.commits
@pytest.mark.parametrize("job", WORKER_JOBS)
def test_a_submit_goes_through_while_a_read_committed_chunk_is_open(job, monkeypatch):
	"""As a worker runs them (a real commit per chunk, READ COMMITTED), the backfill and the reconciliation
	copy ERPNext's rows with ``INSERT ... SELECT``. Another connection submits an invoice right after the
	Sales Invoice chunk's statement, its transaction still open: at REPEATABLE READ that statement would
	share-lock every invoice it read and the submit would wait and fail. The chunk has just re-written
	touchpoints (names from the sequence) and the submit's own touchpoint takes a name of its own."""
	invoices = frappe.get_all(
		"Sales Invoice", filters={"docstatus": 1, "is_return": 0}, pluck="name", limit=3, order_by="name"
	)
	if not invoices:
		pytest.skip("the site has no submitted Sales Invoice to re-write")
	# committed by the job's first commit; the chunk writes these touchpoints again
	frappe.db.delete(
		"Customer Touchpoint",
		{
			"reference_doctype": "Sales Invoice",
			"reference_name": ("in", invoices),
			"touchpoint_type": "Invoice",
		},
	)
	write_selected = sources.write_selected
	seen = {"invoice chunk": False, "outcome": None, "rewritten": 0}

	def watched_write(query):
		written = write_selected(query)
		if "`tabSales Invoice`" in query.get_sql() and seen["outcome"] is None:
			seen["invoice chunk"] = True
			seen["rewritten"] = written
		return written

	def commit():
		if seen["invoice chunk"] and seen["outcome"] is None:
			assert chunks.is_read_committed()
			seen["outcome"] = submit_while_open()
		frappe.db.commit()  # nosemgrep: the chunk's own commit

	monkeypatch.setitem(frappe.flags, "crm_plus_commit_chunks", True)
	monkeypatch.setattr(chunks, "commit", commit)
	monkeypatch.setattr(backfill, "write_selected", watched_write)
	monkeypatch.setattr(reconcile, "write_selected", watched_write)
	WORKER_JOBS[job]()

	outcome = seen["outcome"]
	assert outcome and "error" not in outcome, outcome
	assert seen["rewritten"] >= len(invoices)
	assert frappe.db.sql("select @@tx_isolation")[0][0] == "REPEATABLE-READ"  # the session is Frappe's again
	rewritten = frappe.get_all(
		"Customer Touchpoint",
		filters={
			"reference_doctype": "Sales Invoice",
			"reference_name": ("in", invoices),
			"touchpoint_type": "Invoice",
		},
		pluck="name",
	)
	assert len(rewritten) == len(invoices)
	assert outcome["touchpoint"] and outcome["touchpoint"] not in rewritten
