"""The same ERPNext test preconditions on every site the comparison runs on.

``bench run-tests`` would run a different set of ``before_tests`` hooks on each site (every installed app's),
and ERPNext's own hook makes its "Wind Power LLC" only on a site with no company at all, so the site with
crm_plus and its twin would start from different data. Both sites get exactly this instead:

1. crm_plus's test preparation (``crm_plus.testing.before_tests``: a completed setup with ``_Test Company``
   when the site has none, all roles for Administrator, ERPNext's selling defaults for tests, local exchange
   rates). It only prepares data; nothing of crm_plus gets installed on a site without it.
2. "Wind Power LLC", the company ERPNext's ``before_tests`` would have made with the setup wizard, made by
   the setup wizard's own company step (``install_company``) when it is missing. Sales Invoice tests make
   internal customers and suppliers for it in every ``setUp``.
3. ERPNext's test records for each suite's doctype and its ``test_dependencies``, as
   ``bench run-tests --doctype`` makes them, and those crm_plus's integration tests make (Delivery Note,
   Quotation), which the crm_plus site has when the comparison runs under pytest.

ERPNext's ``before_tests`` also deletes every Item Price; that is left out on purpose: Frappe makes test
records only once per site (``.test_log``), so the deletion would leave the second run of a site without
the Item Prices the first run had.
"""

import importlib
import time

import frappe
from frappe.utils import now_datetime

WIND_POWER_LLC = frappe._dict(
	company_name="Wind Power LLC",
	company_abbr="WP",
	currency="USD",
	country="United States",
	chart_of_accounts="Standard",
	domain=None,
)


# ERPNext's suites the comparison runs: their doctype (whose test records they need) and test module
SUITES = {
	"Sales Invoice": "erpnext.accounts.doctype.sales_invoice.test_sales_invoice",
	"Payment Entry": "erpnext.accounts.doctype.payment_entry.test_payment_entry",
	"Sales Order": "erpnext.selling.doctype.sales_order.test_sales_order",
}


def prepare_site(suites: list[str], attempts: int = 3) -> None:
	"""Idempotent; retried when a concurrent session on a shared site deadlocks it (e.g. on Company's tree)."""
	for attempt in range(1, attempts + 1):
		try:
			_prepare(suites)
			return
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == attempts:
				raise
			time.sleep(5 * attempt)


def _prepare(suites: list[str]) -> None:
	from crm_plus.compat import make_test_records
	from crm_plus.testing import before_tests

	before_tests()
	ensure_wind_power_llc()
	for doctype in suites:
		module = importlib.import_module(SUITES[doctype])
		for name in [doctype, *getattr(module, "test_dependencies", [])]:
			make_test_records(name, commit=True)
	# what crm_plus's integration conftest makes on its site, so the twin has it too when pytest runs this
	for name in ("Delivery Note", "Quotation"):
		make_test_records(name, commit=True)
	frappe.db.commit()  # nosemgrep: test preparation must outlive the tests' rollbacks


def ensure_wind_power_llc() -> bool:
	"""Make ERPNext's test company the way its setup wizard does (``setup_company`` stage)."""
	if frappe.db.exists("Company", WIND_POWER_LLC.company_name):
		return False
	from erpnext.setup.setup_wizard.operations.install_fixtures import install_company

	year = now_datetime().year
	install_company(frappe._dict(WIND_POWER_LLC, fy_start_date=f"{year}-01-01", fy_end_date=f"{year}-12-31"))
	if not frappe.db.exists("Company", WIND_POWER_LLC.company_name):
		# the wizard's make_records only prints what failed
		raise RuntimeError(f"could not create {WIND_POWER_LLC.company_name} (the setup wizard printed why)")
	frappe.db.commit()  # nosemgrep: test preparation must outlive the tests' rollbacks
	return True
