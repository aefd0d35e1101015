"""Test preparation for a real ERPNext site (the app's ``before_tests`` hook).

``bench run-tests`` (and crm_plus's pytest conftest) run only this app's ``before_tests``, so ERPNext is
prepared here the way HRMS does it: a completed setup with ``_Test Company``, all roles for Administrator,
selling defaults, and local exchange rates so nothing is fetched online.
"""

import frappe
from frappe.utils import now_datetime

from crm_plus import compat

TEST_EXCHANGE_RATES = {("USD", "INR"): 60.0, ("EUR", "INR"): 70.0, ("INR", "USD"): 1 / 60.0}


def before_tests():
	# as the line's own runner does: Frappe v16 reads test mode elsewhere than v15, and out of test mode
	# the setup below would connect to SMTP
	compat.set_test_mode(True)
	frappe.clear_cache()
	from erpnext.setup.utils import _enable_all_roles_for_admin, set_defaults_for_tests
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	if not frappe.db.a_row_exists("Company"):
		year = now_datetime().year
		setup_complete(
			{
				"currency": "INR",
				"full_name": "Test User",
				"company_name": "_Test Company",
				"timezone": "Asia/Kolkata",
				"company_abbr": "_TC",
				"industry": "Manufacturing",
				"country": "India",
				"fy_start_date": f"{year}-01-01",
				"fy_end_date": f"{year}-12-31",
				"language": "english",
				"company_tagline": "Testing",
				"email": "test@erpnext.com",
				"password": "test",
				"chart_of_accounts": "Standard",
			}
		)

	_enable_all_roles_for_admin()
	set_defaults_for_tests()
	make_exchange_rates()
	disable_location_dimension()
	make_outgoing_email_account()
	frappe.db.commit()  # nosemgrep: test setup must outlive the tests' rollbacks


def make_exchange_rates():
	"""ERPNext fetches missing rates online; local Currency Exchange records keep tests offline."""
	for (from_currency, to_currency), rate in TEST_EXCHANGE_RATES.items():
		if not frappe.db.exists(
			"Currency Exchange", {"from_currency": from_currency, "to_currency": to_currency}
		):
			frappe.get_doc(
				{
					"doctype": "Currency Exchange",
					"date": "2000-01-01",
					"from_currency": from_currency,
					"to_currency": to_currency,
					"exchange_rate": rate,
					"for_buying": 1,
					"for_selling": 1,
				}
			).insert(ignore_permissions=True)


def make_outgoing_email_account():
	"""A default outgoing account that only queues (nothing sends on a test site). Tests mute e-mails,
	because Frappe sends an assignment's notification at once under test and sending commits; muted, Frappe
	still queues each e-mail, from this account (without one it builds a sender with no address)."""
	if frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		return
	# no SMTP check, as in Frappe's tests
	in_test = compat.in_test()
	compat.set_test_mode(True)
	try:
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_Test crm_plus Outgoing",
				"email_id": "crm-plus-tests@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
	finally:
		compat.set_test_mode(in_test)


def disable_location_dimension():
	"""ERPNext's Sales Invoice suite leaves the Location dimension enabled (an isolation bug in ERPNext)."""
	if frappe.db.exists("Accounting Dimension", "Location"):
		frappe.db.set_value("Accounting Dimension", "Location", "disabled", 1)
