"""How ``tests/erpnext_suites/compare.py`` reads two sites' outcomes (no site needed)."""

from tests.erpnext_suites import compare

SI = "erpnext.accounts.doctype.sales_invoice.test_sales_invoice.TestSalesInvoice"
SO = "erpnext.selling.doctype.sales_order.test_sales_order.TestSalesOrder"


def run(tests: dict[str, str]) -> dict:
	return {
		"suites": {"Sales Invoice": "", "Sales Order": ""},
		"tests": {test_id: {"outcome": outcome, "detail": ""} for test_id, outcome in tests.items()},
	}


def test_only_tests_whose_outcome_differs_are_listed():
	crm = run(
		{f"{SI}.test_a": "pass", f"{SI}.test_b": "fail", f"{SI}.test_c": "error", f"{SO}.test_d": "skip"}
	)
	twin = run(
		{f"{SI}.test_a": "pass", f"{SI}.test_b": "pass", f"{SI}.test_c": "error", f"{SO}.test_e": "pass"}
	)
	assert compare.differences(crm, twin) == [f"{SI}.test_b", f"{SO}.test_d", f"{SO}.test_e"]
	assert compare.outcome(crm, f"{SO}.test_e") == "missing"


def test_a_regression_passes_on_the_twin_and_fails_errs_or_is_missing_with_crm_plus():
	assert compare.is_regression("fail", "pass")
	assert compare.is_regression("error", "pass")
	assert compare.is_regression("missing", "pass")
	assert not compare.is_regression("pass", "fail")  # crm_plus makes no ERPNext test fail by passing it
	assert not compare.is_regression("skip", "pass")
	assert not compare.is_regression("error", "fail")


def test_totals_per_suite_count_class_fixture_errors_with_their_suite():
	crm = run({f"{SI}.test_a": "pass", f"{SI}.test_b": "fail", f"setUpClass ({SO})": "error"})
	assert compare.totals(crm) == {
		"Sales Invoice": {"pass": 1, "fail": 1, "error": 0, "skip": 0},
		"Sales Order": {"pass": 0, "fail": 0, "error": 1, "skip": 0},
	}


def test_the_report_names_each_differing_test_and_marks_regressions():
	report = {
		"date": "2026-11-25 00:00 UTC",
		"site": "crm.test",
		"twin": "twin.test",
		"sites": {
			name: {"apps": ["erpnext"], "seconds": 61, "prepare_seconds": 1, "totals": {"Sales Invoice": {}}}
			for name in ("crm.test", "twin.test")
		},
		"seconds": 125,
		"differences": [
			{
				"test": f"{SI}.test_b",
				"suite": "Sales Invoice",
				"crm.test": "fail",
				"twin.test": "pass",
				"recheck": ["fail", "pass"],
				"reproduced": True,
				"regression": True,
				"detail": {"crm.test": "AssertionError: 1 != 2", "twin.test": ""},
			},
			{
				"test": f"{SI}.test_c",
				"suite": "Sales Invoice",
				"crm.test": "error",
				"twin.test": "pass",
				"recheck": ["pass", "pass"],
				"reproduced": False,
				"regression": False,
				"detail": {"crm.test": "QueryDeadlockError", "twin.test": ""},
			},
		],
		"regressions": [f"{SI}.test_b"],
		"violations": {},
		"invariants_checked": {"Sales Invoice": 3},
	}
	text = compare.format_report(report)
	assert "Tests whose outcome differs: 2; regressions: 1." in text
	assert "`test_b` **regression** | fail | pass | fail / pass | AssertionError: 1 != 2 |" in text
	assert "`test_c` | error | pass | pass / pass (not reproduced) | QueryDeadlockError |" in text
	assert "2 min 5 s" in text
