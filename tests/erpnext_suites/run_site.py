"""Run ERPNext's test suites on one site and write every test's outcome as JSON (one process per site).

	cd ~/frappe-bench/sites && ../env/bin/python /path/to/crm_plus/tests/erpnext_suites/run_site.py \\
		--site twin.test --out /tmp/twin.test.json [--suite "Sales Invoice" ...] [-k substring ...]

Run by ``compare.py`` for the site with crm_plus and for its twin. It does what ``bench run-tests
--doctype`` does (Frappe's unittest loader, test mode, test records made and committed) with
the preparation of ``prepare.py`` instead of the installed apps' ``before_tests`` hooks, and a result
collector that keeps each test's outcome: ``pass``, ``fail``, ``error`` or ``skip`` (an error in a class
fixture is reported as its own ``error`` entry, e.g. ``setUpClass (…TestSalesOrder)``). A test that errs
on a deadlock or a lock wait timeout (another session on a shared site) runs once more at the end; the
second outcome counts and ``retried`` lists why.

Before each test the Department and Location accounting dimensions are disabled (in the test's
transaction) on every site alike: a Sales Invoice test creates them with DDL, which no rollback undoes, and
later tests would then fail on the mandatory dimension, as ERPNext's own ``disable_dimension()`` avoids.

Where crm_plus is installed, every successful submit or cancel of a Sales Invoice or Payment Entry is
checked right away (``tests/integration/invariants.py``): the document has exactly one touchpoint per
customer in the matching status. Violations are listed per test.
"""

import argparse
import json
import os
import sys
import time
import traceback
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
# first: site-packages may hold an unrelated package named "tests"
sys.path.insert(0, str(REPO))

import frappe

from crm_plus import compat
from tests.erpnext_suites.prepare import SUITES, prepare_site

SEVERITY = {"pass": 0, "skip": 0, "fail": 1, "error": 2}


class OutcomeCollector(unittest.TestResult):
	"""Keeps one outcome per test id, with the last line of its exception, and prints a line per test."""

	def __init__(self):
		super().__init__()
		self.outcomes: dict[str, dict] = {}
		self.violations: dict[str, list[str]] = {}
		self.checked: dict[str, int] = {}
		self.current: str | None = None
		self._started = 0.0
		self.retry: list | None = []
		self.retried: dict[str, str] = {}

	def startTest(self, test):
		super().startTest(test)
		self.current = test.id()
		self._started = time.monotonic()
		before_each_test()

	def _record(self, test, outcome: str, err=None, reason: str = ""):
		detail, where = reason, ""
		if err:
			detail = _last_line(err)
			where = "".join(traceback.format_tb(err[2])[-12:])[-4000:]
		previous = self.outcomes.get(test.id())
		if previous and SEVERITY[previous["outcome"]] >= SEVERITY[outcome]:
			return  # a failed subtest stays failed
		self.outcomes[test.id()] = {
			"outcome": outcome,
			"seconds": round(time.monotonic() - self._started, 2) if self._started else 0,
			"detail": detail,
			"traceback": where,
		}
		print(f"[{outcome}] {test.id()} {detail}"[:300], flush=True)

	def addSuccess(self, test):
		super().addSuccess(test)
		self._record(test, "pass")

	def addFailure(self, test, err):
		super().addFailure(test, err)
		self._record(test, "fail", err)

	def addError(self, test, err):
		if self.retry is not None and isinstance(test, unittest.TestCase) and _lock_conflict(err[1]):
			# another session on a shared site held the rows: run the test again at the end, once
			self.retry.append(test)
			self.retried[test.id()] = _last_line(err)
			return
		super().addError(test, err)
		self._record(test, "error", err)

	def addSkip(self, test, reason):
		super().addSkip(test, reason)
		self._record(test, "skip", reason=str(reason))

	def addExpectedFailure(self, test, err):
		super().addExpectedFailure(test, err)
		self._record(test, "pass", reason="expected failure")

	def addUnexpectedSuccess(self, test):
		super().addUnexpectedSuccess(test)
		self._record(test, "fail", reason="unexpected success")

	def addSubTest(self, test, subtest, err):
		super().addSubTest(test, subtest, err)
		if err is not None:
			self._record(test, "fail" if issubclass(err[0], test.failureException) else "error", err)


def _last_line(err) -> str:
	return "".join(traceback.format_exception_only(err[0], err[1])).strip().splitlines()[-1][:500]


def _lock_conflict(exception) -> bool:
	return isinstance(exception, frappe.QueryDeadlockError | frappe.QueryTimeoutError)


def run_with_one_retry(tests: unittest.TestSuite, collector: OutcomeCollector):
	"""A test that lost a deadlock or a lock wait to another session runs once more after the others (its
	class set up again); what happens then is its outcome, and ``retried`` says why it ran twice."""
	tests.run(collector)
	again, collector.retry = collector.retry, None
	if again:
		frappe.db.rollback()
		collector._previousTestClass = None  # so that unittest sets the class up again
		unittest.TestSuite(again).run(collector)


def before_each_test():
	frappe.db.set_value(
		"Accounting Dimension", {"document_type": ("in", ("Department", "Location"))}, "disabled", 1
	)
	frappe.flags.accounting_dimensions = None
	frappe.flags.accounting_dimensions_details = None


def check_invariants(collector: OutcomeCollector):
	"""Right after every successful submit or cancel (``run_post_save_methods`` ran the doc events without
	raising), the document's touchpoints must match its status. Returns the function that undoes the patch."""
	from frappe.model.document import Document

	from tests.integration.invariants import document_violation

	original = Document.run_post_save_methods

	def checked_run_post_save_methods(doc, *args, **kwargs):
		result = original(doc, *args, **kwargs)
		# only a real submit or cancel (a retried submit after a failed one is an update)
		if doc.doctype in ("Sales Invoice", "Payment Entry") and doc._action in ("submit", "cancel"):
			collector.checked[doc.doctype] = collector.checked.get(doc.doctype, 0) + 1
			if problem := document_violation(doc):
				collector.violations.setdefault(collector.current or "?", []).append(problem)
		return result

	Document.run_post_save_methods = checked_run_post_save_methods

	def undo():
		Document.run_post_save_methods = original

	return undo


def load(suites: list[str], keywords: list[str], ids: set[str]) -> unittest.TestSuite:
	import importlib

	loaded = unittest.TestSuite()
	for doctype in suites:
		module_tests = unittest.TestLoader().loadTestsFromModule(importlib.import_module(SUITES[doctype]))
		if keywords or ids:
			module_tests = unittest.TestSuite(
				t for t in iterate(module_tests) if t.id() in ids or any(k in t.id() for k in keywords)
			)
		loaded.addTest(module_tests)
	return loaded


def iterate(suite):
	for item in suite:
		if isinstance(item, unittest.TestSuite):
			yield from iterate(item)
		else:
			yield item


def run(site: str, suites: list[str], keywords: list[str], ids: set[str]) -> dict:
	os.chdir(BENCH / "sites")
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		if not frappe.conf.allow_tests:
			raise SystemExit(
				f"site {site} does not allow tests: bench --site {site} set-config allow_tests true"
			)
		compat.set_test_mode(True)
		frappe.flags.print_messages = False
		frappe.clear_cache()
		apps = frappe.get_installed_apps()
		began = time.monotonic()
		prepare_site(suites)
		frappe.set_user("Administrator")
		prepared = time.monotonic() - began

		collector = OutcomeCollector()
		undo = check_invariants(collector) if "crm_plus" in apps else None
		frappe.db.begin()
		try:
			run_with_one_retry(load(suites, keywords, ids), collector)
		finally:
			if undo:
				undo()
			frappe.db.rollback()
			frappe.clear_cache()
		return {
			"site": site,
			"apps": apps,
			"suites": {doctype: SUITES[doctype] for doctype in suites},
			"keywords": keywords,
			"ids": sorted(ids),
			"prepare_seconds": round(prepared, 1),
			"seconds": round(time.monotonic() - began, 1),
			"tests": collector.outcomes,
			"invariants_checked": collector.checked if undo else None,
			"violations": collector.violations,
			"retried": collector.retried,
		}
	finally:
		frappe.destroy()


def main(argv=None):
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--out", required=True, help="JSON file for the outcomes")
	parser.add_argument("--suite", action="append", choices=list(SUITES), help="default: all")
	parser.add_argument("-k", action="append", default=[], help="only tests whose id contains this")
	parser.add_argument("--ids-file", help="only the tests whose full ids this file lists, one a line")
	args = parser.parse_args(argv)
	ids = set(Path(args.ids_file).read_text().split()) if args.ids_file else set()
	result = run(args.site, args.suite or list(SUITES), args.k, ids)
	Path(args.out).write_text(json.dumps(result, indent=1, sort_keys=True))
	counts = {}
	for entry in result["tests"].values():
		counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
	print(f"{args.site}: {counts} in {result['seconds']} s; violations: {len(result['violations'])}")


if __name__ == "__main__":
	main()
