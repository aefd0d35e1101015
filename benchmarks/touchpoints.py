"""Touchpoint benchmarks on a real site: hook overhead, backfill throughput, timeline read.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/crm_plus/benchmarks/touchpoints.py --site crm.test

Targets (issue #3): hook overhead <= 5 % of a Sales Invoice / Payment Entry submit; backfill
>= 20,000 source documents per second; timeline read p95 <= 20 ms for a customer with 10,000 touchpoints.
The generated data is removed at the end (``--keep`` leaves it).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import frappe

from crm_plus import compat


def _median_ms(samples):
	return round(statistics.median(samples) * 1000, 2)


def _p95_ms(samples):
	return round(sorted(samples)[int(len(samples) * 0.95) - 1] * 1000, 2)


def hook_overhead(rounds: int = 30) -> dict:
	"""Median submit time with crm_plus's handlers on and off, interleaved in the same run."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.doctype.sales_invoice.test_sales_invoice import create_sales_invoice

	from crm_plus.touchpoints import events

	# time the handlers themselves too: on a busy 2-core machine the on/off difference of two ~100 ms
	# medians is noisier than the few milliseconds being measured
	handler_times = {"Sales Invoice": [], "Payment Entry": []}
	safely = events._safely

	def timed(handler, doc):
		start = time.perf_counter()
		safely(handler, doc)
		handler_times.setdefault(doc.doctype, []).append(time.perf_counter() - start)

	events._safely = timed
	# measure the production path: the relationship refresh is queued for after the commit (tests run it
	# at once); every round is rolled back, so nothing is ever queued
	compat.set_test_mode(False)
	settings = frappe.get_single("CRM Plus Settings")
	timings = {"invoice": {True: [], False: []}, "payment": {True: [], False: []}}
	for i in range(rounds * 2 + 4):
		enabled = i % 2 == 0
		settings.db_set("enable_touchpoints", int(enabled))
		frappe.clear_document_cache("CRM Plus Settings", "CRM Plus Settings")
		si = create_sales_invoice(do_not_submit=True, rate=100 + i)
		start = time.perf_counter()
		si.submit()
		si_time = time.perf_counter() - start
		pe = get_payment_entry("Sales Invoice", si.name, bank_account="_Test Bank - _TC")
		pe.reference_no, pe.reference_date = "BENCH", frappe.utils.nowdate()
		pe.insert()
		start = time.perf_counter()
		pe.submit()
		pe_time = time.perf_counter() - start
		frappe.db.rollback()
		if i >= 4:  # warm-up rounds are discarded
			timings["invoice"][enabled].append(si_time)
			timings["payment"][enabled].append(pe_time)
	events._safely = safely
	compat.set_test_mode(True)
	settings.db_set("enable_touchpoints", 1)
	frappe.db.commit()
	out = {}
	for kind, doctype in (("invoice", "Sales Invoice"), ("payment", "Payment Entry")):
		t = timings[kind]
		on, off = _median_ms(t[True]), _median_ms(t[False])
		handler = _median_ms(handler_times[doctype])
		out[kind] = {
			"submit_on_ms": on,
			"submit_off_ms": off,
			"on_vs_off_pct": round((on - off) / off * 100, 1),
			"handler_median_ms": handler,
			"handler_pct_of_submit": round(handler / off * 100, 1),
		}
	return out


def backfill_throughput() -> dict:
	from crm_plus.touchpoints import backfill
	from crm_plus.touchpoints.sources import SOURCES

	frappe.db.sql("delete from `tabCustomer Touchpoint` where customer like 'BENCH-%%'")
	frappe.db.commit()
	docs = sum(frappe.db.count(dt, {"docstatus": 1}) for dt in SOURCES)
	frappe.flags.crm_plus_commit_chunks = True  # commit per chunk, as the job does in a worker
	start = time.perf_counter()
	steps = {}
	written = backfill.backfill(restart=True, timings=steps)
	elapsed = time.perf_counter() - start
	touchpoint_seconds = sum(v for k, v in steps.items() if k != "Customer Relationship")
	frappe.db.commit()
	return {
		"source_documents": docs,
		"touchpoints_written": sum(written.values()),
		"seconds": round(elapsed, 2),
		"docs_per_second": round(docs / elapsed),
		"touchpoint_phase_docs_per_second": round(docs / touchpoint_seconds),
		"steps_seconds": steps,
		"one_statement_reference": one_statement_reference(),
	}


def one_statement_reference() -> dict:
	"""The same touchpoints written the pre-chunking way, in the same run on the same data: one
	``INSERT ... SELECT`` per doctype over the whole table, one transaction, no resume point, then the
	relationship refresh. The chunked job is held to at most 1.2x this (issue #8); a ratio measured side
	by side stays meaningful on a machine whose load varies."""
	from crm_plus.touchpoints import chunks, relationship
	from crm_plus.touchpoints.sources import SOURCES, overdue_invoices, write_selected

	frappe.db.sql("delete from `tabCustomer Touchpoint` where customer like 'BENCH-%%'")
	frappe.db.commit()
	steps, written = {}, 0
	start = time.perf_counter()
	with chunks.read_committed():
		for source in SOURCES.values():
			clock = time.perf_counter()
			written += write_selected(source.select())
			steps[source.doctype] = round(time.perf_counter() - clock, 3)
		clock = time.perf_counter()
		written += write_selected(overdue_invoices(frappe.utils.today()))
		steps["Overdue"] = round(time.perf_counter() - clock, 3)
	clock = time.perf_counter()
	relationship.refresh_all(chunk=10**9)
	steps["Customer Relationship"] = round(time.perf_counter() - clock, 3)
	frappe.db.commit()
	return {
		"touchpoints_written": written,
		"seconds": round(time.perf_counter() - start, 2),
		"steps_seconds": steps,
	}


def timeline_read(touchpoints: int = 10_000, reads: int = 200) -> dict:
	from crm_plus.touchpoints.api import get_timeline

	customer = "BENCH-CUST-000000"
	now = frappe.utils.now_datetime()
	from benchmarks import datagen

	datagen.touchpoints(
		[
			datagen.touchpoint_row(
				customer, "Call", "Phone", "Outbound", frappe.utils.add_days(now, -(i % 1500)), f"call {i}"
			)
			for i in range(touchpoints)
		]
	)
	frappe.db.commit()
	have = frappe.db.count("Customer Touchpoint", {"customer": customer})
	samples = []
	for i in range(reads):
		start = time.perf_counter()
		get_timeline(customer, start=(i % 10) * 20, page_length=20)
		samples.append(time.perf_counter() - start)
	return {"touchpoints": have, "reads": reads, "median_ms": _median_ms(samples), "p95_ms": _p95_ms(samples)}


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default="crm.test")
	parser.add_argument("--customers", type=int, default=10_000)
	parser.add_argument("--invoices", type=int, default=200_000)
	parser.add_argument("--payments", type=int, default=150_000)
	parser.add_argument("--rounds", type=int, default=30)
	parser.add_argument("--keep", action="store_true", help="keep the generated data")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	compat.set_test_mode(True)  # ERPNext's test factories expect it
	from benchmarks import datagen

	results = {"hook_overhead": hook_overhead(args.rounds)}
	print(json.dumps(results, indent=1), flush=True)
	datagen.remove()
	start = time.perf_counter()
	results["generated"] = datagen.generate(args.customers, args.invoices, args.payments)
	results["generated"]["seconds"] = round(time.perf_counter() - start, 1)
	try:
		results["backfill"] = backfill_throughput()
		print(json.dumps(results, indent=1), flush=True)
		results["timeline"] = timeline_read()
	finally:
		if not args.keep:
			datagen.remove()
	print(json.dumps(results, indent=1))
	out = Path(__file__).parent / "results"
	out.mkdir(exist_ok=True)
	(out / "touchpoints.json").write_text(json.dumps(results, indent=1))
	frappe.destroy()


if __name__ == "__main__":
	main()
