"""Billing while crm_plus's heavy jobs run: real Sales Invoice and Payment Entry submits through ERPNext,
timed with nothing running and while each heavy job runs in another process.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/crm_plus/benchmarks/concurrency.py --site bench.test

Fills the site with ``datagen`` (default 10,000 customers, 200,000 invoices, 150,000 payments), then for
each job (backfill, reconciliation, relationship refresh, stage update, the shipped lifecycle rules, a
plan evaluation) starts it in a separate process, exactly as a worker runs it (committing per chunk), and
meanwhile submits invoices and payments (``create_sales_invoice`` then ``get_payment_entry``, each submit
timed, each pair rolled back afterwards: its statements, locks and lock waits are real, nothing stays).
Reports p50 / p95 / max submit latency idle and per job, failed submits, and each job's run time.
Targets (issue #8): 0 failed submits; p95 while a job runs <= 1.5x idle; max <= 2 s.
The generated data is removed at the end (``--keep`` leaves it).
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import frappe

from crm_plus import compat

JOBS = ("backfill", "reconcile", "relationship_refresh", "stage_update", "lifecycle_rules", "plan_evaluation")


def run_job(name: str) -> None:
	"""One job, as a worker runs it: its own connection, a commit per chunk."""
	from crm_plus.lifecycle import engine, examples, stages
	from crm_plus.plans import evaluation
	from crm_plus.touchpoints import backfill, reconcile, relationship

	compat.set_test_mode(False)
	if name == "backfill":
		backfill.backfill(restart=True)
	elif name == "reconcile":
		reconcile.reconcile()
	elif name == "relationship_refresh":
		relationship.refresh_all()
	elif name == "stage_update":
		stages.update_stages(None)
	elif name == "lifecycle_rules":
		for example in examples.EXAMPLES:
			engine.run_rule(frappe.get_doc("Lifecycle Rule", example["title"]))
	elif name == "plan_evaluation":
		evaluation.evaluate_on_demand(frappe.get_doc("CRM Plan", _plan()))
	frappe.db.commit()


def _plan() -> str:
	name = frappe.db.get_value("CRM Plan", {"title": "BENCH Plan"})
	if name:
		return name
	from crm_plus.plans import kpis

	plan = frappe.get_doc(
		{
			"doctype": "CRM Plan",
			"title": "BENCH Plan",
			"company": "_Test Company",
			"manager": "Administrator",
			"period_from": frappe.utils.add_days(frappe.utils.nowdate(), -89),
			"period_to": frappe.utils.add_days(frappe.utils.nowdate(), 1),
			"evaluation_frequency": "Quarterly",
			"goals": [
				{"kpi": k, "target": 1, "weight": 1, "direction": v.direction} for k, v in kpis.KPIS.items()
			],
		}
	).insert()
	plan.activate()
	frappe.db.commit()
	return plan.name


def submit_pair(i: int) -> tuple[list[tuple[str, float]], list[str]]:
	"""Submit one invoice and one payment for it; (kind, seconds) of each submit, and any failures."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.doctype.sales_invoice.test_sales_invoice import create_sales_invoice

	timed, failed = [], []
	try:
		si = create_sales_invoice(do_not_submit=True, rate=100 + i % 50)
		start = time.perf_counter()
		si.submit()
		timed.append(("invoice", time.perf_counter() - start))
		pe = get_payment_entry("Sales Invoice", si.name, bank_account="_Test Bank - _TC")
		pe.reference_no, pe.reference_date = "BENCH", frappe.utils.nowdate()
		pe.insert()
		start = time.perf_counter()
		pe.submit()
		timed.append(("payment", time.perf_counter() - start))
	except Exception as e:
		failed.append(repr(e)[:200])
	finally:
		frappe.db.rollback()
	return timed, failed


def _stats(samples: list[float]) -> dict:
	if not samples:
		return {"n": 0}
	ordered = sorted(samples)
	return {
		"n": len(samples),
		"p50_ms": round(statistics.median(ordered) * 1000, 1),
		"p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, 1),
		"max_ms": round(ordered[-1] * 1000, 1),
	}


def measure(pairs: int | None = None, process: subprocess.Popen | None = None) -> dict:
	"""Submit pairs: ``pairs`` of them, or as long as ``process`` runs (at least 5)."""
	samples, failures, i = {"invoice": [], "payment": []}, [], 0
	while (pairs is not None and i < pairs) or (process is not None and (process.poll() is None or i < 5)):
		timed, failed = submit_pair(i)
		for kind, seconds in timed:
			samples[kind].append(seconds)
		failures += failed
		i += 1
	return {
		"invoice": _stats(samples["invoice"]),
		"payment": _stats(samples["payment"]),
		"all": _stats(samples["invoice"] + samples["payment"]),
		"failed_submits": len(failures),
		"failures": failures[:5],
	}


def busy(site: str, job: str) -> dict:
	started = time.perf_counter()
	process = subprocess.Popen(
		[sys.executable, __file__, "--site", site, "--job", job],
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
	)
	time.sleep(0.3)  # the job connects and starts its first chunk
	result = measure(process=process)
	_out, err = process.communicate()
	result["job_seconds"] = round(time.perf_counter() - started, 1)
	result["job_ok"] = process.returncode == 0
	if process.returncode:
		result["job_error"] = err[-500:]
	return result


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default="crm.test")
	parser.add_argument("--customers", type=int, default=10_000)
	parser.add_argument("--invoices", type=int, default=200_000)
	parser.add_argument("--payments", type=int, default=150_000)
	parser.add_argument("--idle", type=int, default=40, help="submit pairs timed with nothing running")
	parser.add_argument("--jobs", default=",".join(JOBS))
	parser.add_argument("--job", help=argparse.SUPPRESS)  # internal: run one job in this process
	parser.add_argument("--keep", action="store_true", help="keep the generated data")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	if args.job:
		run_job(args.job)
		frappe.destroy()
		return

	from benchmarks import datagen
	from crm_plus.lifecycle import examples

	examples.install()
	frappe.db.commit()
	datagen.remove()
	results = {"date": frappe.utils.now()}
	try:
		start = time.perf_counter()
		results["generated"] = datagen.generate(args.customers, args.invoices, args.payments)
		results["generated"]["seconds"] = round(time.perf_counter() - start, 1)
		compat.set_test_mode(False)  # the production path: figures refreshed after the commit, by a job
		_plan()
		# warm up (caches, buffer pool), then the idle baseline
		measure(pairs=5)
		results["idle"] = measure(pairs=args.idle)
		print(json.dumps(results, indent=1), flush=True)
		for job in args.jobs.split(","):
			if job == "backfill":
				frappe.db.sql(
					"delete from `tabCustomer Touchpoint` where customer like %s", f"{datagen.PREFIX}%"
				)
				frappe.db.commit()
			results[job] = busy(args.site, job)
			idle_p95 = results["idle"]["all"]["p95_ms"]
			results[job]["p95_vs_idle"] = round(results[job]["all"].get("p95_ms", 0) / idle_p95, 2)
			print(job, json.dumps(results[job]), flush=True)
	finally:
		frappe.db.rollback()
		if not args.keep:
			like = f"{datagen.PREFIX}%"
			frappe.db.sql("delete from `tabCustomer Stage Change` where customer like %s", like)
			frappe.db.sql("delete from `tabLifecycle Alert` where customer like %s", like)
			plan = frappe.db.get_value("CRM Plan", {"title": "BENCH Plan"})
			if plan:
				for ev in frappe.get_all("CRM Plan Evaluation", {"plan": plan}, pluck="name"):
					frappe.db.delete("ToDo", {"reference_type": "CRM Plan Evaluation", "reference_name": ev})
					frappe.delete_doc("CRM Plan Evaluation", ev, force=True, ignore_permissions=True)
				frappe.delete_doc("CRM Plan", plan, force=True, ignore_permissions=True)
			frappe.db.commit()
			datagen.remove()
	print(json.dumps(results, indent=1, default=str))
	out = Path(__file__).parent / "results"
	out.mkdir(exist_ok=True)
	(out / "concurrency.json").write_text(json.dumps(results, indent=1, default=str))
	frappe.destroy()


if __name__ == "__main__":
	main()
