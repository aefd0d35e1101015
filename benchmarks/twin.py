"""What crm_plus adds to a Sales Invoice and a Payment Entry submit: the same submits timed on a site with
crm_plus and on its twin without it, alternating between the two sites round by round.

The twin is the same site without crm_plus: restore a backup of the site and uninstall the app there,

    bench --site crm.test backup
    bench new-site twin.test --source_sql <the backup's .sql.gz> --db-root-password ... --admin-password admin
    bench --site twin.test uninstall-app crm_plus --yes --no-backup

then, from the bench's sites folder:

    ../env/bin/python /path/to/crm_plus/benchmarks/twin.py --site crm.test --twin twin.test

Both sites need ERPNext's test records (``_Test Company``; the integration tests' setup makes them on the
site, so its backup has them). Every submit is rolled back. Target (issue 24): the median submit with
crm_plus is at most 1.05 times the twin's, for the invoice and for the payment.
"""

import argparse
import json
import statistics
import time

import frappe


def _one_pair(rate: float) -> tuple[float, float]:
	"""Seconds to submit one Sales Invoice and one Payment Entry against it (rolled back)."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.doctype.sales_invoice.test_sales_invoice import create_sales_invoice

	si = create_sales_invoice(do_not_submit=True, rate=rate)
	start = time.perf_counter()
	si.submit()
	invoice = time.perf_counter() - start
	pe = get_payment_entry("Sales Invoice", si.name, bank_account="_Test Bank - _TC")
	pe.reference_no, pe.reference_date = "twin", si.posting_date
	pe.insert()
	start = time.perf_counter()
	pe.submit()
	payment = time.perf_counter() - start
	frappe.db.rollback()
	return invoice, payment


def _on(site: str, fn, *args):
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		return fn(*args)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def _installed(site: str) -> bool:
	return _on(site, lambda: "crm_plus" in frappe.get_installed_apps())


def run(site: str, twin: str, rounds: int, warmup: int) -> dict:
	if not _installed(site) or _installed(twin):
		raise SystemExit(f"{site} must have crm_plus installed and {twin} must not")
	times = {site: {"invoice": [], "payment": []}, twin: {"invoice": [], "payment": []}}
	for i in range(rounds + warmup):
		order = (site, twin) if i % 2 == 0 else (twin, site)
		for name in order:
			invoice, payment = _on(name, _one_pair, 100 + i)
			if i >= warmup:
				times[name]["invoice"].append(invoice)
				times[name]["payment"].append(payment)
	result = {"rounds": rounds}
	for kind in ("invoice", "payment"):
		with_app = statistics.median(times[site][kind])
		without = statistics.median(times[twin][kind])
		result[kind] = {
			"with_crm_plus_ms": round(with_app * 1000, 1),
			"twin_ms": round(without * 1000, 1),
			"ratio": round(with_app / without, 3),
		}
	return result


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default="crm.test")
	parser.add_argument("--twin", default="twin.test")
	parser.add_argument("--rounds", type=int, default=40)
	parser.add_argument("--warmup", type=int, default=4)
	args = parser.parse_args()
	print(json.dumps(run(args.site, args.twin, args.rounds, args.warmup), indent=1))


if __name__ == "__main__":
	main()
