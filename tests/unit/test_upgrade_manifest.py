"""How the upgrade test compares a site before and after (``tests/upgrade/manifest.py``; no site needed)."""

import datetime
import decimal

from tests.upgrade import manifest


def entry(records: dict) -> dict:
	return manifest.doctype_entry(sorted({f for r in records.values() for f in r}), records)


def site(doctypes: dict, figures=None, dangling=(), indexes=()) -> dict:
	return {
		"doctypes": {doctype: entry(records) for doctype, records in doctypes.items()},
		"figures": figures or {},
		"dangling_links": [list(link) for link in dangling],
		"indexes": list(indexes),
	}


def test_values_read_alike_from_either_line():
	assert manifest.normal(None, "Currency") == 0.0
	assert manifest.normal(decimal.Decimal("30000.000000000"), "Currency") == 30000.0
	assert manifest.normal("12.5", "Float") == 12.5  # a Single's value is stored as text
	assert manifest.normal(decimal.Decimal("-0.0000000001"), "Float") == 0.0
	assert manifest.normal(None, "Check") == 0 and manifest.normal("1", "Int") == 1
	assert manifest.normal("", "Data") is None and manifest.normal(None, "Link") is None
	assert manifest.normal(datetime.date(2026, 3, 31), "Date") == "2026-03-31"
	assert (
		manifest.normal(datetime.datetime(2026, 3, 31, 9, 5, 1, 7), "Datetime")
		== "2026-03-31T09:05:01.000007"
	)
	assert manifest.normal(datetime.timedelta(hours=10), "Time") == "10:00:00"
	assert manifest.normal('{"b": 1, "a": [2]}', "JSON") == {"a": [2], "b": 1}
	assert manifest.normal('{"b": 1}', "Code") == '{"b": 1}'  # only JSON fields are parsed


def test_the_same_records_read_in_another_order_have_the_same_digest():
	a = entry({"1": {"x": 1}, "2": {"x": 2}})
	b = entry({"2": {"x": 2}, "1": {"x": 1}})
	assert a["digest"] == b["digest"] and a["count"] == 2
	assert entry({"1": {"x": 1}, "2": {"x": 3}})["digest"] != a["digest"]


def test_a_kept_site_has_no_differences():
	before = site({"Lifecycle Alert": {"1": {"status": "Open"}}}, {"C1": {"lifetime_revenue": 10.0}})
	assert manifest.differences(before, before) == []


def test_missing_added_and_changed_records_are_named():
	before = site({"Customer Touchpoint": {"1": {"amount": 5.0, "status": "Active"}, "2": {"amount": 1.0}}})
	after = site({"Customer Touchpoint": {"1": {"amount": 0.0, "status": "Active"}, "3": {"amount": 1.0}}})
	assert manifest.differences(before, after) == [
		"Customer Touchpoint 2: missing after the upgrade",
		"Customer Touchpoint 3: not there before the upgrade",
		"Customer Touchpoint 1: amount was 5.0, is 0.0",
	]


def test_a_doctype_or_field_that_is_gone_is_a_difference():
	before = site({"CRM Plan": {"P": {"title": "x", "budget_amount": 3.0}}, "Competitor Note": {}})
	after = site({"CRM Plan": {"P": {"title": "x"}}})
	assert manifest.differences(before, after) == [
		"CRM Plan P: field budget_amount is gone",
		"Competitor Note: the doctype is gone",
	]


def test_the_time_of_a_refresh_is_not_a_figure():
	before = site(
		{"Customer Relationship": {"C": {"refreshed_on": "2026-12-01T10:00:00", "invoice_count": 3}}}
	)
	after = site(
		{"Customer Relationship": {"C": {"refreshed_on": "2026-12-02T08:00:00", "invoice_count": 3}}}
	)
	assert manifest.differences(before, after) == []


def test_figures_links_and_indexes():
	before = site(
		{},
		{"C1": {"outstanding_amount": 10.0}, "C2": {"outstanding_amount": 0.0}},
		dangling=[("Lifecycle Alert", "4", "todo", "ToDo", "gone-before")],
		indexes=["Customer Touchpoint.unique_event", "Sales Invoice.crm_plus_unpaid"],
	)
	after = site(
		{},
		{"C1": {"outstanding_amount": 12.0}},
		dangling=[
			("Lifecycle Alert", "4", "todo", "ToDo", "gone-before"),
			("Customer Touchpoint", "9", "reference_name", "Sales Invoice", "SINV-1"),
		],
		indexes=["Customer Touchpoint.unique_event"],
	)
	assert manifest.differences(before, after) == [
		"figures of C1: outstanding_amount was 10.0, is 12.0",
		"figures of C2: missing",
		"Customer Touchpoint 9: reference_name points at Sales Invoice SINV-1, which is not there",
		"index Sales Invoice.crm_plus_unpaid is gone",
	]


def test_an_error_crm_plus_logged_on_the_way_is_a_difference():
	before = {**site({}), "errors": [["e1", "crm_plus could not update the touchpoints of Quotation Q-1"]]}
	after = {**site({}), "errors": [*before["errors"], ["e2", "CRM adoption scores of P failed"]]}
	assert manifest.differences(before, after) == ["Error Log e2: CRM adoption scores of P failed"]


def test_long_lists_are_cut_and_say_how_many_more():
	before = site({"Customer Touchpoint": {str(n): {"x": 1} for n in range(25)}})
	after = site({"Customer Touchpoint": {}})
	out = manifest.differences(before, after)
	assert out[0] == "Customer Touchpoint: 25 records before, 0 after"
	assert len(out) == 1 + manifest.SHOWN + 1 and out[-1] == "... and 5 more missing"


def test_a_sequence_behind_the_names_in_use_is_a_problem():
	assert manifest.sequence_problems({"Customer Touchpoint": [162, 161], "Lifecycle Alert": [1, None]}) == []
	assert manifest.sequence_problems({"Customer Touchpoint": [1, 161]}) == [
		"Customer Touchpoint: the next name from its sequence is 1, but 161 is taken"
	]


def test_summary_counts_records_doctypes_and_customers():
	data = site({"A": {"1": {}, "2": {}}, "B": {}}, {"C1": {}})
	assert manifest.summary(data) == "2 records in 1 of 2 crm_plus doctypes, figures of 1 customers"
