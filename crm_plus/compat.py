"""What differs between the lines of Frappe crm_plus runs on (v15 and v16), decided by feature.

Test mode: Frappe v16 reads the module-level ``frappe.in_test``, set with ``frappe.local.flags.in_test`` by
``frappe.tests.utils.toggle_test_mode`` (what its test runner calls); v15 has only the flag. Test records:
v16 makes them with ``frappe.tests.utils.make_test_records`` (v15's ``frappe.test_runner`` one is deprecated).
"""

import frappe


def in_test() -> bool:
	"""Whether Frappe runs under test, read where this line of Frappe keeps it."""
	if hasattr(frappe, "in_test"):
		return bool(frappe.in_test)
	return bool(frappe.flags.in_test)


def set_test_mode(enable: bool) -> None:
	"""Enter (or leave) test mode as the line's own test runner does."""
	from frappe.tests import utils

	toggle = getattr(utils, "toggle_test_mode", None)
	if toggle:
		toggle(enable)
	else:
		frappe.local.flags.in_test = enable


def make_test_records(doctype: str, commit: bool = False) -> None:
	"""Make a doctype's test records (and those of the doctypes it links to) as the line's runner does."""
	from frappe.tests import utils

	make = getattr(utils, "make_test_records", None)
	if make is None:
		from frappe.test_runner import make_test_records as make
	make(doctype, commit=commit)


def desk_path(*parts: str) -> str:
	"""The desk's path of ``parts`` (``desk_path("customer", "CUST-1")``): under ``/app`` on v15 and
	``/desk`` on v16, as Frappe's own form links make it (``get_url_to_form``)."""
	from urllib.parse import quote, urlsplit

	from frappe.utils import get_url_to_form

	prefix = urlsplit(get_url_to_form("User", "x")).path.rsplit("/", 2)[0]
	return "/".join([prefix, *(quote(str(part), safe="") for part in parts)])
