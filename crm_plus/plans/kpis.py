"""The KPI registry: each KPI is one small function over ERPNext's data for a segment and a date range.

A segment is a company and, optionally, customer groups and territories (each with its sub-groups and
sub-territories); customers are classified as their Customer record says today. Every KPI is a handful of
set-based ``frappe.qb`` queries, never one per customer; the arithmetic is in ``formulas.py``.

Conventions every KPI shares:

- a *purchase* is a submitted (docstatus 1) Sales Invoice that is not a return; cancelled invoices
  (docstatus 2) never count, returns (is_return 1) are not purchases;
- *revenue* is the net total (before taxes) of submitted Sales Invoices in company currency, returns
  included with their negative totals, so they reduce it;
- the *previous window* of a period is the same number of days immediately before it;
- a KPI returns None when it has nothing to measure (no customers, nothing to divide by).

Adding a KPI (CSAT and NPS, once surveys exist) is one decorated function::

        @kpi("CSAT", unit="%")
        def csat(segment, from_date, to_date): ...
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Avg, Count, Max, Min, Sum, UnixTimestamp
from frappe.utils import add_days, flt, getdate
from pypika import CustomFunction

from crm_plus.feedback import scoring
from crm_plus.plans import formulas, schedule
from crm_plus.touchpoints.kinds import ACTIVE, NON_CONTACT_TYPES

DateDiff = CustomFunction("DATEDIFF", ["end", "start"])

# a balance smaller than this is settled (rounding of currency amounts)
SETTLED = 0.005


@dataclass(frozen=True)
class Segment:
	company: str
	customer_groups: tuple[str, ...] = ()
	territories: tuple[str, ...] = ()


# units whose values add up over time: a longer period has more of them, so their targets and baselines
# are scaled by days (``formulas.evaluation_target``); rates, averages and scores hold for any span
ADDITIVE_UNITS = ("Amount", "Count")


@dataclass(frozen=True)
class Kpi:
	name: str
	unit: str
	direction: str
	compute: Callable[[Segment, date, date], float | None]
	# the values the KPI can take (None: unbounded); a target outside them cannot be reached
	minimum: float | None = 0
	maximum: float | None = None

	@property
	def formula(self) -> str:
		return (self.compute.__doc__ or "").strip()

	@property
	def additive(self) -> bool:
		return self.unit in ADDITIVE_UNITS


KPIS: dict[str, Kpi] = {}


def N_(text: str) -> str:
	"""Marks a KPI name or unit for the POT without translating it: names are stored keys (a goal's
	``kpi``) and are shown in the reader's language where they are displayed (``_(goal.kpi)``)."""
	return text


def kpi(
	name: str,
	unit: str,
	direction: str = formulas.RAISE,
	minimum: float | None = 0,
	maximum: float | None = None,
):
	"""Register a KPI function ``(segment, from_date, to_date) -> float | None`` under ``name``; a
	percentage of customers or answers lies within 0-100 (``maximum=100``)."""

	def register(fn):
		KPIS[name] = Kpi(name, unit, direction, fn, minimum, maximum)
		return fn

	return register


def get_kpi(name: str) -> Kpi | None:
	return KPIS.get(name)


def compute(name: str, segment: Segment, from_date, to_date) -> float | None:
	"""The value of KPI ``name`` for ``segment`` over [from_date, to_date], rounded to 4 places."""
	value = KPIS[name].compute(segment, getdate(from_date), getdate(to_date))
	return None if value is None else round(flt(value), 4)


# --- segment -----------------------------------------------------------------------------------------


def _within(tree: str, names: tuple[str, ...]):
	"""The given Customer Groups / Territories and everything below them (one subquery, nested sets)."""
	node, top = DocType(tree).as_("node"), DocType(tree).as_("top")
	return (
		frappe.qb.from_(node)
		.join(top)
		.on((node.lft >= top.lft) & (node.rgt <= top.rgt))
		.select(node.name)
		.where(top.name.isin(list(names)))
	)


def _segment(customer, segment: Segment):
	condition = customer.name.isnotnull()
	if segment.customer_groups:
		condition &= customer.customer_group.isin(_within("Customer Group", segment.customer_groups))
	if segment.territories:
		condition &= customer.territory.isin(_within("Territory", segment.territories))
	return condition


def _customer_base(segment: Segment):
	"""The segment's customers that are not disabled: the denominator of the per-customer KPIs."""
	c = DocType("Customer")
	return frappe.qb.from_(c).select(c.name).where(_segment(c, segment) & (c.disabled == 0))


def _sales(segment: Segment, from_date=None, to_date=None, purchases_only: bool = False):
	"""Submitted Sales Invoices of the segment (optionally in a date range, optionally purchases only),
	as ``(si, query)``; the caller adds its select."""
	si, c = DocType("Sales Invoice"), DocType("Customer")
	query = (
		frappe.qb.from_(si)
		.join(c)
		.on(c.name == si.customer)
		.where((si.docstatus == 1) & (si.company == segment.company) & _segment(c, segment))
	)
	if from_date is not None:
		query = query.where(si.posting_date.between(from_date, to_date))
	if purchases_only:
		query = query.where(si.is_return == 0)
	return si, query


def _scalar(query):
	rows = query.run()
	return rows[0][0] if rows else None


def _purchasers(segment: Segment, from_date, to_date):
	si, query = _sales(segment, from_date, to_date, purchases_only=True)
	return si, query.select(si.customer).distinct()


def _retained(segment: Segment, from_date, to_date) -> tuple[int, int]:
	"""(customers who purchased in the previous window, of those, how many purchased again in this one)."""
	prev_from, prev_to = schedule.previous_window(from_date, to_date)
	si, query = _sales(segment, prev_from, prev_to, purchases_only=True)
	_si, now = _purchasers(segment, from_date, to_date)
	row = query.select(
		Count(si.customer).distinct(),
		Count(Case().when(si.customer.isin(now), si.customer)).distinct(),
	).run()[0]
	return int(row[0] or 0), int(row[1] or 0)


def _revenue(segment: Segment, from_date, to_date) -> float:
	si, query = _sales(segment, from_date, to_date)
	return flt(_scalar(query.select(Sum(si.base_net_total))))


def _ledger(segment: Segment, to_date):
	"""Each Sales Invoice's receivable balance as of ``to_date`` from the Payment Ledger (one row per
	invoice: invoice, balance, settled_on = the last payment or credit against it)."""
	ple, c = DocType("Payment Ledger Entry"), DocType("Customer")
	return (
		frappe.qb.from_(ple)
		.join(c)
		.on((ple.party_type == "Customer") & (c.name == ple.party))
		.select(
			ple.against_voucher_no.as_("invoice"),
			Sum(ple.amount).as_("balance"),
			Max(Case().when(ple.voucher_no != ple.against_voucher_no, ple.posting_date)).as_("settled_on"),
		)
		.where(
			(ple.against_voucher_type == "Sales Invoice")
			& (ple.delinked == 0)
			& (ple.company == segment.company)
			& (ple.posting_date <= to_date)
			& _segment(c, segment)
		)
		.groupby(ple.against_voucher_no)
	).as_("ledger")


def _touchpoints(segment: Segment, from_date, to_date, alias: str = "tp"):
	"""Active touchpoints of the segment's customers in the period (staff-logged ones carry no company)."""
	tp = DocType("Customer Touchpoint").as_(alias)
	return tp, (
		frappe.qb.from_(tp).where(
			(tp.status == ACTIVE)
			& tp.posting_date.between(from_date, to_date)
			& ((tp.company == segment.company) | tp.company.isnull())
			& tp.customer.isin(_customer_base(segment))
		)
	)


def _customer_count(segment: Segment) -> int:
	c = DocType("Customer")
	return int(_scalar(frappe.qb.from_(c).select(Count("*")).where(_segment(c, segment) & (c.disabled == 0))))


# --- the KPIs ----------------------------------------------------------------------------------------


@kpi(N_("Customer Retention Rate"), unit="%", maximum=100)
def retention_rate(segment, from_date, to_date):
	"""Customers who purchased in the previous window and again in the period / customers who purchased in
	the previous window * 100."""
	before, retained = _retained(segment, from_date, to_date)
	return formulas.percent(retained, before)


@kpi(N_("Churn Rate"), unit="%", direction=formulas.LOWER, maximum=100)
def churn_rate(segment, from_date, to_date):
	"""Customers who purchased in the previous window but not in the period / customers who purchased in the
	previous window * 100 (100 - retention rate)."""
	before, retained = _retained(segment, from_date, to_date)
	return formulas.percent(before - retained, before)


@kpi(N_("Repeat Purchase Rate"), unit="%", maximum=100)
def repeat_purchase_rate(segment, from_date, to_date):
	"""Customers with two or more purchases in the period / customers with at least one * 100."""
	si, query = _sales(segment, from_date, to_date, purchases_only=True)
	per_customer = query.select(si.customer, Count("*").as_("purchases")).groupby(si.customer).as_("pc")
	row = (
		frappe.qb.from_(per_customer)
		.select(Count("*"), Sum(Case().when(per_customer.purchases >= 2, 1).else_(0)))
		.run()[0]
	)
	return formulas.percent(flt(row[1]), row[0])


@kpi(N_("Revenue"), unit=N_("Amount"))
def revenue(segment, from_date, to_date):
	"""sum net total (company currency) of submitted Sales Invoices in the period, returns subtracting."""
	return _revenue(segment, from_date, to_date)


@kpi(N_("Revenue Growth"), unit="%", minimum=None)
def revenue_growth(segment, from_date, to_date):
	"""(revenue of the period - revenue of the previous window) / |revenue of the previous window| * 100."""
	prev_from, prev_to = schedule.previous_window(from_date, to_date)
	return formulas.growth(_revenue(segment, from_date, to_date), _revenue(segment, prev_from, prev_to))


@kpi(N_("New Customers"), unit=N_("Count"))
def new_customers(segment, from_date, to_date):
	"""Customers whose first purchase from the company ever falls in the period."""
	si, query = _sales(segment, purchases_only=True)
	first = (
		query.select(si.customer)
		.groupby(si.customer)
		.having(Min(si.posting_date).between(from_date, to_date))
		.as_("first_purchase")
	)
	return flt(_scalar(frappe.qb.from_(first).select(Count("*"))))


@kpi(N_("Average Days to Pay"), unit=N_("Days"), direction=formulas.LOWER)
def average_days_to_pay(segment, from_date, to_date):
	"""Average of (date of the last payment or credit that settled the invoice - invoice date) over the
	purchases fully settled in the period (per the Payment Ledger as of the period end)."""
	ledger = _ledger(segment, to_date)
	si = DocType("Sales Invoice")
	query = (
		frappe.qb.from_(ledger)
		.join(si)
		.on(si.name == ledger.invoice)
		.select(Avg(DateDiff(ledger.settled_on, si.posting_date)))
		.where(
			(si.docstatus == 1)
			& (si.is_return == 0)
			& (ledger.balance < SETTLED)
			& ledger.settled_on.between(from_date, to_date)
		)
	)
	value = _scalar(query)
	return None if value is None else flt(value)


@kpi(N_("Overdue Ratio"), unit="%", direction=formulas.LOWER, maximum=100)
def overdue_ratio(segment, from_date, to_date):
	"""Open receivables past their due date at the period end / all open receivables at the period end * 100
	(balances per invoice from the Payment Ledger as of the period end)."""
	ledger = _ledger(segment, to_date)
	si = DocType("Sales Invoice")
	row = (
		frappe.qb.from_(ledger)
		.join(si)
		.on(si.name == ledger.invoice)
		.select(Sum(ledger.balance), Sum(Case().when(si.due_date < to_date, ledger.balance).else_(0)))
		.where((si.docstatus == 1) & (ledger.balance >= SETTLED))
		.run()[0]
	)
	return formulas.percent(flt(row[1]), flt(row[0]))


@kpi(N_("Touchpoints per Customer"), unit=N_("Ratio"))
def touchpoints_per_customer(segment, from_date, to_date):
	"""Active contact touchpoints in the period (overdue notices are not contact) / the segment's customers
	(not disabled)."""
	tp, query = _touchpoints(segment, from_date, to_date)
	count = _scalar(query.select(Count("*")).where(tp.touchpoint_type.notin(list(NON_CONTACT_TYPES))))
	return formulas.ratio(flt(count), _customer_count(segment))


@kpi(N_("CRM Adoption"), unit="%", maximum=100)
def crm_adoption(segment, from_date, to_date):
	"""Customers with at least one touchpoint logged by staff (one without a reference document) in the
	period / the segment's customers (not disabled) * 100."""
	tp, query = _touchpoints(segment, from_date, to_date)
	count = _scalar(query.select(Count(tp.customer).distinct()).where(tp.reference_name.isnull()))
	return formulas.percent(flt(count), _customer_count(segment))


@kpi(N_("Average Response Time to Feedback"), unit=N_("Hours"), direction=formulas.LOWER)
def response_time_to_feedback(segment, from_date, to_date):
	"""Average hours from an inbound Feedback or Complaint touchpoint in the period to the next outbound
	touchpoint logged by staff for the same customer (by creation time); unanswered ones are left out."""
	feedback, query = _touchpoints(segment, from_date, to_date, alias="feedback")
	reply = DocType("Customer Touchpoint").as_("reply")
	answered = (
		query.join(reply)
		.on(
			(reply.customer == feedback.customer)
			& (reply.direction == "Outbound")
			& (reply.status == ACTIVE)
			& reply.reference_name.isnull()
			& (reply.creation > feedback.creation)
		)
		.select(feedback.name, feedback.creation.as_("asked"), Min(reply.creation).as_("answered"))
		.where(feedback.touchpoint_type.isin(["Feedback", "Complaint"]) & (feedback.direction == "Inbound"))
		.groupby(feedback.name, feedback.creation)
		.as_("answered")
	)
	seconds = _scalar(
		frappe.qb.from_(answered).select(
			Avg(UnixTimestamp(answered.answered) - UnixTimestamp(answered.asked))
		)
	)
	return None if seconds is None else flt(seconds) / 3600


# --- feedback (crm_plus/feedback) --------------------------------------------------------------------


def _feedback_answers(segment: Segment, from_date, to_date, question_type: str):
	"""Answers of one question type in the Feedback Responses the segment's customers submitted in the
	period (feedback carries no company: the segment's customers are what counts)."""
	answer, response = DocType("Feedback Answer"), DocType("Feedback Response")
	return answer, (
		frappe.qb.from_(answer)
		.join(response)
		.on((response.name == answer.parent) & (answer.parenttype == "Feedback Response"))
		.where(
			(answer.question_type == question_type)
			& answer.value.isnotnull()
			& (response.submitted_on >= from_date)
			& (response.submitted_on < add_days(to_date, 1))
			& response.customer.isin(_customer_base(segment))
		)
	)


@kpi(N_("CSAT"), unit="%", maximum=100)
def csat(segment, from_date, to_date):
	"""Answers of 4 or 5 to Rating (1-5) questions / all Rating answers * 100, in the Feedback Responses of
	the segment's customers submitted in the period."""
	answer, query = _feedback_answers(segment, from_date, to_date, scoring.RATING)
	row = query.select(
		Count("*"), Sum(Case().when(answer.value >= scoring.SATISFIED_FROM, 1).else_(0))
	).run()[0]
	return formulas.percent(flt(row[1]), row[0])


@kpi(N_("NPS"), unit=N_("Score"), minimum=-100, maximum=100)
def nps(segment, from_date, to_date):
	"""% promoters (9-10) - % detractors (0-6) among the NPS (0-10) answers in the Feedback Responses of the
	segment's customers submitted in the period (-100 … 100)."""
	answer, query = _feedback_answers(segment, from_date, to_date, scoring.NPS)
	row = query.select(
		Count("*"),
		Sum(Case().when(answer.value >= 9, 1).else_(0)),
		Sum(Case().when(answer.value <= 6, 1).else_(0)),
	).run()[0]
	return formulas.percent(flt(row[1]) - flt(row[2]), row[0])


@kpi(N_("Customer Effort"), unit=N_("Score"), minimum=1, maximum=7)
def customer_effort(segment, from_date, to_date):
	"""Average Customer Effort answer (1 very difficult … 7 very easy) in the Feedback Responses of the
	segment's customers submitted in the period."""
	answer, query = _feedback_answers(segment, from_date, to_date, scoring.EFFORT)
	value = _scalar(query.select(Avg(answer.value)))
	return None if value is None else flt(value)
