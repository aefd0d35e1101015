"""Competitor Insights: figures equal hand-counted values for a small dataset of its own."""

import frappe
import pytest
from frappe.utils import add_days, today

from crm_plus.competitors.report.competitor_insights import competitor_insights
from tests.integration.competitor_helpers import (
	lost_opportunity,
	lost_quotation,
	make_competitor,
	make_note,
	many_test_users,
)
from tests.integration.factories import make_customer, make_user

pytestmark = pytest.mark.usefixtures("many_test_users")


def _dataset():
	"""Hand-made: rival A has 3 notes (2 Pricing, 1 Service; 1 High) and lost us an opportunity of 1,000
	(customer C1) and a quotation of 500 (customer C2); rival B has 1 Delivery note on C2 and the same
	lost quotation."""
	a, b = make_competitor(), make_competitor()
	c1, c2 = make_customer(), make_customer()
	make_note(a, customer=c1, aspect="Pricing", threat_level="High", observed_on=add_days(today(), -10))
	make_note(a, customer=c1, aspect="Pricing", threat_level="Low")
	make_note(a, aspect="Service", threat_level="Medium")
	make_note(b, customer=c2, aspect="Delivery", threat_level="Medium")
	opp, _ = lost_opportunity(c1, [a], amount=1000)
	qtn, _ = lost_quotation(c2, [a, b], rate=500)
	# the hand-counted amounts: the opportunity's items (no amount typed in), the quotation without taxes
	assert (opp.opportunity_amount, opp.base_total, qtn.base_grand_total) == (0, 1000, 500)
	return a, b, c1, c2


def _run(**filters):
	columns, data, _message, chart, summary = competitor_insights.execute(
		{"from_date": add_days(today(), -30), "to_date": today(), **filters}
	)
	return columns, {row["competitor"]: row for row in data}, chart, summary


def test_report_figures_equal_hand_counted_values():
	a, b, c1, c2 = _dataset()
	columns, rows, _chart, _summary = _run()

	ra, rb = rows[a], rows[b]
	assert (
		ra["notes"],
		ra["aspect_pricing"],
		ra["aspect_service"],
		ra["aspect_delivery"],
		ra["high_threat"],
	) == (
		3,
		2,
		1,
		0,
		1,
	)
	assert (ra["lost_opportunity_count"], ra["lost_opportunity_amount"]) == (1, 1000)
	assert (ra["lost_quotation_count"], ra["lost_quotation_amount"]) == (1, 500)
	assert ra["customers"] == 2 and ra["most_exposed"] == f"{c1} (3), {c2} (1)"

	assert (rb["notes"], rb["aspect_delivery"], rb["high_threat"]) == (1, 1, 0)
	assert (rb["lost_opportunity_count"], rb["lost_quotation_count"], rb["lost_quotation_amount"]) == (
		1 - 1,
		1,
		500,
	)
	assert rb["customers"] == 1 and rb["most_exposed"] == f"{c2} (2)"

	# the chart: notes per month for each competitor (the chart shows the busiest rivals of the site, so
	# each of this test's rivals is charted on its own)
	for rival, notes in ((a, 3), (b, 1)):
		chart = _run(competitor=rival)[2]
		datasets = {d["name"]: d["values"] for d in chart["data"]["datasets"]}
		assert {name: sum(values) for name, values in datasets.items()} == {rival: notes}
	assert "lost_quotation_amount" in {c["fieldname"] for c in columns}


def test_filters_narrow_the_figures():
	a, b, c1, c2 = _dataset()
	_, rows, _, _ = _run(competitor=a)
	assert set(rows) == {a} and rows[a]["notes"] == 3 and rows[a]["lost_quotation_count"] == 1

	_, rows, _, _ = _run(customer=c2)
	assert (rows[a]["notes"], rows[a]["lost_opportunity_count"], rows[a]["lost_quotation_count"]) == (0, 0, 1)
	assert (rows[b]["notes"], rows[b]["lost_quotation_count"]) == (1, 1)

	_, rows, _, _ = _run(aspect="Pricing")
	assert set(rows) >= {a} and b not in rows
	assert (rows[a]["notes"], rows[a]["lost_opportunity_count"]) == (2, 0)

	_, rows, _, _ = _run(from_date=add_days(today(), -5))
	assert rows[a]["notes"] == 2  # the note of ten days ago is outside


def test_sales_user_sees_counts_but_no_amounts():
	a, *_ = _dataset()
	frappe.set_user(make_user("Sales User"))
	columns, rows, _, _ = _run()
	assert rows[a]["lost_quotation_count"] == 1 and "lost_quotation_amount" not in rows[a]
	assert not {"lost_opportunity_amount", "lost_quotation_amount"} & {c["fieldname"] for c in columns}


def test_report_works_where_opportunity_is_never_used(monkeypatch):
	a = make_competitor()
	make_note(a, aspect="Product")
	real = frappe.db.table_exists
	monkeypatch.setattr(
		frappe.db,
		"table_exists",
		lambda doctype, *args, **kw: doctype != "Opportunity" and real(doctype, *args, **kw),
	)
	_, rows, _, _ = _run(competitor=a)
	assert (rows[a]["notes"], rows[a]["aspect_product"], rows[a]["lost_opportunity_count"]) == (1, 1, 0)


def test_a_user_restricted_to_some_customers_sees_only_them_named():
	a, _b, c1, c2 = _dataset()
	user = make_user("Sales User")
	frappe.get_doc({"doctype": "User Permission", "user": user, "allow": "Customer", "for_value": c2}).insert(
		ignore_permissions=True
	)
	_c, everyone, _ch, _s = _run()
	assert everyone[a]["customers"] == 2 and c1 in everyone[a]["most_exposed"]
	frappe.set_user(user)
	try:
		_c, rows, _ch, _s = _run()
	finally:
		frappe.set_user("Administrator")
	assert rows[a]["customers"] == 1 and c2 in rows[a]["most_exposed"] and c1 not in rows[a]["most_exposed"]
