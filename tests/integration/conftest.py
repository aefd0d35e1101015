"""Integration tests run against a real Frappe/ERPNext site.

The site is ``$CRM_PLUS_SITE`` (default ``crm.test``) in the bench at ``$CRM_PLUS_BENCH`` (default
``~/frappe-bench``). Frappe is initialised the way ``bench run-tests`` does it: current directory at
``<bench>/sites``, test mode set as the line's own runner sets it, the app's ``before_tests`` hook run, ERPNext's test records
made. ``tests/conftest.py`` leaves this folder out when there is no such site. Every test is rolled back afterwards, so tests run in any order.
"""

import os
import traceback
from pathlib import Path

import frappe
import pytest

from crm_plus import compat

BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PLUS_SITE", "crm.test")

# ERPNext doctypes whose test records crm_plus's tests use (customers, items, accounts of _Test Company)
TEST_RECORD_DOCTYPES = ("Sales Invoice", "Payment Entry", "Delivery Note", "Quotation", "Sales Order")


# connect while collecting, so test modules can import code that needs a site
os.chdir(BENCH / "sites")
frappe.init(site=SITE, sites_path=".")
frappe.connect()
if not frappe.conf.allow_tests:
	frappe.destroy()
	pytest.exit(f"site {SITE} does not allow tests: bench --site {SITE} set-config allow_tests true", 2)
# Frappe v16 reads the module-level ``frappe.in_test``, v15 the flag: ``set_test_mode`` sets what there is
compat.set_test_mode(True)


@pytest.fixture(scope="session", autouse=True)
def site():
	frappe.clear_cache()
	for fn in frappe.get_hooks("before_tests", app_name="crm_plus"):
		frappe.get_attr(fn)()
	for doctype in TEST_RECORD_DOCTYPES:
		compat.make_test_records(doctype, commit=True)
	frappe.set_user("Administrator")
	# Tests make users (rolled back, but counted while their transaction is open) on a site where browser
	# runs and other sessions commit theirs: Frappe's sign-up throttle (60 an hour) is not under test here.
	frappe.local.conf["throttle_user_limit"] = 10**6
	yield SITE
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(autouse=True)
def rollback(site, request, monkeypatch):
	"""Each test sees the site as the session left it and leaves nothing behind."""
	frappe.db.rollback()
	# under test a bulk job's chunk commit only ends the chunk: a browser test or a command run earlier in the
	# same session (which re-initialises frappe.local) must not turn the rollback of this test into a commit
	compat.set_test_mode(True)
	frappe.flags.pop("crm_plus_commit_chunks", None)
	# Frappe sends an assignment's notification e-mail at once under test (``now=in_test``), and sending
	# commits (the queue row's status): muted, the e-mail is still queued but nothing commits the test
	frappe.flags.mute_emails = True
	commits = []
	if not request.node.get_closest_marker("commits"):
		# a commit would keep this test's records on the shared site (and other tests would find them):
		# refused and reported; a test that commits on purpose, and cleans up, is marked ``commits``
		monkeypatch.setattr(frappe.db, "commit", lambda *args, **kwargs: commits.append(_caller()))
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.local.flags.pop("in_import", None)
	frappe.local.lang = "en"  # a test that switched language must not leave it to the next one
	assert (
		not commits
	), f"the test committed (refused: its records would stay on the site), from:\n{commits[0]}"


def _caller() -> str:
	"""Where a refused commit came from: the innermost frames of the call stack."""
	return "".join(traceback.format_stack(limit=12)[:-2])


@pytest.fixture(scope="session")
def http_url(site):
	"""``bench serve`` for the site, for the tests that make real HTTP requests as persona users."""
	from tests import server

	try:
		with server.serve(log_name="http-server.log") as url:
			yield url
	except RuntimeError as error:
		pytest.fail(str(error))
