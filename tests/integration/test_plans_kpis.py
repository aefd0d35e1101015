"""Each KPI against hand-computed values on a small known dataset, through ERPNext's real documents.

Every test works on a fresh customer group, so other data on the site cannot disturb the numbers. The
period is Q3 2026 (1 July - 30 September); its previous window is the 92 days before (31 March - 30 June).
"""

import pytest
from frappe.utils import flt

from crm_plus.plans import kpis
from tests.integration.factories import (
	credit_note,
	invoice,
	invoice_due,
	log_touchpoint,
	make_customer,
	make_customer_group,
	pay,
)

FROM, TO = "2026-07-01", "2026-09-30"


def sales_dataset() -> str:
	"""Customers A-E of a fresh group:

	A  purchases 10 Apr (100, unpaid); 10 Jul (200, paid 20 Jul: 10 days); 10 Aug (300, paid 9 Sep: 30 days)
	B  purchases 5 May (400, paid only 10 Oct, after the period); 1 Aug invoice of 999 cancelled
	C  first purchase 20 Jul (5 x 100), credit note of 2 x 100 the same day
	D  invoice of 70 on 20 Apr cancelled; first real purchase 1 Sep (50, due 15 Oct)
	E  no invoices
	"""
	group = make_customer_group()
	a, b, c, d, _e = (make_customer(customer_group=group) for _ in range(5))

	invoice(a, rate=100, posting_date="2026-04-10")
	a1 = invoice(a, rate=200, posting_date="2026-07-10")
	a2 = invoice(a, rate=300, posting_date="2026-08-10")
	pay(a1, posting_date="2026-07-20")
	pay(a2, posting_date="2026-09-09")

	b1 = invoice(b, rate=400, posting_date="2026-05-05")
	invoice(b, rate=999, posting_date="2026-08-01").cancel()
	pay(b1, posting_date="2026-10-10")

	c1 = invoice(c, rate=100, qty=5, posting_date="2026-07-20")
	credit_note(c1, qty=-2)

	invoice(d, rate=70, posting_date="2026-04-20").cancel()
	invoice_due(d, rate=50, posting_date="2026-09-01", due_date="2026-10-15")
	return group


@pytest.fixture
def segment():
	return kpis.Segment(company="_Test Company", customer_groups=(sales_dataset(),))


def value(name, segment):
	return kpis.compute(name, segment, FROM, TO)


def test_retention_and_churn_count_purchasers_of_the_previous_window(segment):
	# before: A and B (D's invoice was cancelled); again in Q3: A only (B's Q3 invoice was cancelled)
	assert value("Customer Retention Rate", segment) == 50
	assert value("Churn Rate", segment) == 50


def test_repeat_purchase_rate_ignores_returns(segment):
	# Q3 purchasers: A (2), C (1: its credit note is no purchase), D (1)
	assert value("Repeat Purchase Rate", segment) == pytest.approx(100 / 3, abs=1e-3)


def test_revenue_nets_returns_and_skips_cancelled_invoices(segment):
	# 200 + 300 + 500 - 200 + 50; the cancelled 999 never counts
	assert value("Revenue", segment) == 850
	# previous window: 100 + 400 (D's cancelled 70 left out) -> (850 - 500) / 500
	assert value("Revenue Growth", segment) == 70


def test_new_customers_are_those_whose_first_real_purchase_is_in_the_period(segment):
	# C, and D whose earlier invoice was cancelled; A bought before
	assert value("New Customers", segment) == 2


def test_average_days_to_pay_uses_the_ledger_as_of_the_period_end(segment):
	# A: 10 and 30 days; B was settled after the period; C is still open
	assert value("Average Days to Pay", segment) == 20


def test_overdue_ratio_as_of_the_period_end(segment):
	# open on 30 Sep: A 100 (due 10 Apr), B 400 (paid later), C 500 (the credit note stands on its own),
	# D 50 (due 15 Oct, not overdue) -> 1000 / 1050
	assert value("Overdue Ratio", segment) == pytest.approx(100 * 1000 / 1050, abs=1e-3)


def test_a_segment_without_the_customers_measures_nothing(segment):
	other = kpis.Segment(company="_Test Company", customer_groups=(make_customer_group(),))
	assert value("Revenue", other) == 0
	assert value("Customer Retention Rate", other) is None
	assert value("Touchpoints per Customer", other) is None
	outside = kpis.Segment(
		company="_Test Company",
		customer_groups=segment.customer_groups,
		territories=("_Test Territory Rest Of The World",),
	)
	assert value("Revenue", outside) == 0


def touchpoint_dataset() -> str:
	"""Customers P, Q, R, S (and T, disabled) of a fresh group:

	P  Feedback in (1 Aug 10:00), staff Call out (1 Aug 14:00): answered in 4 hours
	Q  Complaint in (5 Aug 09:00), Invoice on 6 Aug (a system touchpoint: no answer), staff Email out
	   (7 Aug 09:00): answered in 48 hours
	R  Feedback in (10 Aug), never answered
	S  Invoice on 12 Aug; a staff Visit on 5 Oct, after the period
	T  a staff Call on 15 Aug, but T is disabled
	"""
	import frappe

	group = make_customer_group()
	p, q, r, s, t = (make_customer(customer_group=group) for _ in range(5))
	log_touchpoint(p, "Feedback", "Inbound", "2026-08-01", "2026-08-01 10:00:00")
	log_touchpoint(p, "Call", "Outbound", "2026-08-01", "2026-08-01 14:00:00")
	log_touchpoint(q, "Complaint", "Inbound", "2026-08-05", "2026-08-05 09:00:00")
	invoice(q, rate=10, posting_date="2026-08-06")
	log_touchpoint(q, "Email", "Outbound", "2026-08-07", "2026-08-07 09:00:00")
	log_touchpoint(r, "Feedback", "Inbound", "2026-08-10", "2026-08-10 08:00:00")
	invoice(s, rate=10, posting_date="2026-08-12")
	log_touchpoint(s, "Visit", "Outbound", "2026-10-05", "2026-10-05 09:00:00")
	log_touchpoint(t, "Call", "Outbound", "2026-08-15", "2026-08-15 09:00:00")
	frappe.db.set_value("Customer", t, "disabled", 1)
	return group


def test_touchpoint_kpis():
	segment = kpis.Segment(company="_Test Company", customer_groups=(touchpoint_dataset(),))
	# P 2, Q 3 (complaint, invoice, email), R 1, S 1 (its visit is after the period) over 4 customers
	assert value("Touchpoints per Customer", segment) == 1.75
	# P, Q and R have a touchpoint logged by staff; S only a system one
	assert value("CRM Adoption", segment) == 75
	# (4 + 48) / 2 hours; R's unanswered feedback is left out, Q's invoice is no answer
	assert flt(value("Average Response Time to Feedback", segment), 3) == 26


def test_every_kpi_documents_its_formula():
	assert len(kpis.KPIS) >= 11
	assert all(k.formula and k.unit for k in kpis.KPIS.values())
