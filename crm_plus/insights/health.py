"""Recompute every customer's RFM segment and health score, set-wise, as a long job.

Billing-safe by construction: the figures are read with plain (non-locking, consistent-snapshot) SELECTs
grouped by customer over `tabSales Invoice` and crm_plus's own tables, scored in Python
(``scoring``), and written to Customer Relationship in chunks of multi-row
``INSERT ... ON DUPLICATE KEY UPDATE`` with a commit after each chunk, so no transaction holds a lock on
anything billing writes (an ``INSERT ... SELECT`` or ``UPDATE ... JOIN`` over Sales Invoice would
share-lock every invoice it reads until commit) and none lasts more than a chunk.

RFM is ranked within each company among the customers that company bills; a customer billed by several
companies keeps the scores of the company it buys most from (``rfm_company``). Health reads the
customer's invoices of every company. A dated row in Customer Segment History records each change of
segment or health label, so segments can be compared between two dates.
"""

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils import add_days, getdate, now_datetime

from crm_plus.insights import scoring

JOB_ID = "crm_plus_insights"
CHUNK = 5000
WEIGHT_FIELDS = {
	scoring.RECENCY: "weight_recency",
	scoring.FREQUENCY: "weight_frequency",
	scoring.PAYMENT: "weight_payment",
	scoring.SATISFACTION: "weight_satisfaction",
	scoring.ENGAGEMENT: "weight_engagement",
}
_BASE_OUTSTANDING = (
	"si.outstanding_amount * case when si.party_account_currency = si.currency "
	"then si.conversion_rate else 1 end"
)
WRITTEN_COLUMNS = (
	"health_score",
	"health_label",
	"rfm_segment",
	"recency_score",
	"frequency_score",
	"monetary_score",
	"purchases_current_period",
	"purchases_previous_period",
	"rfm_company",
	"health_breakdown",
	"insights_computed_on",
)
HISTORY_COLUMNS = (
	"name",
	"customer",
	"company",
	"snapshot_date",
	"segment",
	"previous_segment",
	"health_score",
	"health_label",
	"recency_score",
	"frequency_score",
	"monetary_score",
	"creation",
	"modified",
	"owner",
	"modified_by",
)


def settings() -> dict:
	doc = frappe.get_cached_doc("CRM Plus Settings")
	weights = {key: doc.get(field) for key, field in WEIGHT_FIELDS.items()}
	if all(w is None for w in weights.values()):
		weights = dict(scoring.DEFAULT_WEIGHTS)
	return {
		"weights": {k: float(v or 0) for k, v in weights.items()},
		"churn_days": doc.churn_days or 365,
		"trend_days": doc.get("health_trend_days") or 90,
		"at_risk_below": doc.get("health_at_risk_below") or 40,
		"healthy_from": doc.get("health_healthy_from") or 70,
	}


def recompute(
	as_of=None,
	progress: Callable[[int, int], None] | None = None,
	timings: dict | None = None,
	commit: bool = True,
	customers: list[str] | None = None,
) -> int:
	"""Score every customer and write the results; returns how many relationships were written.

	``customers`` writes only those (still ranked among all customers of their company);
	``commit=False`` (tests) leaves every chunk in the caller's transaction."""
	timings = {} if timings is None else timings
	clock = time.perf_counter()

	def lap(step):
		nonlocal clock
		now = time.perf_counter()
		timings[step] = round(now - clock, 3)
		clock = now

	today = getdate(as_of)
	conf = settings()
	by_company = _invoice_figures(today, conf["trend_days"])
	relationships = _relationships()
	satisfaction = latest_satisfaction()
	lap("read")
	rows = score(today, conf, by_company, relationships, satisfaction)
	if customers is not None:
		rows = {c: rows[c] for c in customers if c in rows}
	lap("score")
	written = _write(rows, relationships, today, progress, commit)
	lap("write")
	return written


def _invoice_figures(today, trend_days: int) -> dict:
	"""{company: {customer: figures}} from submitted invoices; returns (credit notes) reduce revenue.

	Two plain reads, each served by a covering index of crm_plus's (see ``install.py``): purchases
	from ``crm_plus_customer_revenue``, unpaid amounts from ``crm_plus_unpaid``."""
	params = {
		"today": today,
		"current_from": add_days(today, -trend_days),
		"previous_from": add_days(today, -2 * trend_days),
	}
	purchases = frappe.db.sql(
		"""
		select si.company, si.customer,
			sum(si.base_net_total) as monetary,
			sum(case when si.is_return = 0 then 1 else 0 end) as frequency,
			max(case when si.is_return = 0 then si.posting_date end) as last_purchase,
			sum(case when si.is_return = 0 and si.posting_date > %(current_from)s
				and si.posting_date <= %(today)s then 1 else 0 end) as current_count,
			sum(case when si.is_return = 0 and si.posting_date > %(previous_from)s
				and si.posting_date <= %(current_from)s then 1 else 0 end) as previous_count
		from `tabSales Invoice` si force index (crm_plus_customer_revenue)
		where si.docstatus = 1
		group by si.company, si.customer
		""",
		params,
	)
	unpaid = frappe.db.sql(
		f"""
		select si.company, si.customer,
			sum({_BASE_OUTSTANDING}) as outstanding,
			sum(case when si.is_return = 0 and si.due_date < %(today)s then {_BASE_OUTSTANDING} else 0 end)
				as overdue
		from `tabSales Invoice` si force index (crm_plus_unpaid)
		where si.docstatus = 1 and si.is_return in (0, 1) and si.outstanding_amount != 0
		group by si.company, si.customer
		""",
		params,
	)
	owed = {(company, customer): (outstanding, overdue) for company, customer, outstanding, overdue in unpaid}
	out = defaultdict(dict)
	for company, customer, monetary, frequency, last, current, previous in purchases:
		outstanding, overdue = owed.get((company, customer), (0, 0))
		out[company][customer] = (
			float(monetary or 0),
			int(frequency or 0),
			last,
			int(current or 0),
			int(previous or 0),
			float(outstanding or 0),
			float(overdue or 0),
		)
	return out


def _relationships() -> dict:
	"""{customer: (avg days to pay, contacts in 90 days, segment, health label)} from crm_plus's table."""
	rows = frappe.db.sql(
		"""select name, avg_days_to_pay, touchpoints_90d, rfm_segment, health_label
		from `tabCustomer Relationship`"""
	)
	return {r[0]: r[1:] for r in rows}


def latest_satisfaction() -> dict:
	"""{customer: 0-100} from each customer's latest Feedback Response that asked a Rating, NPS or Customer
	Effort question, when surveys exist: its satisfaction (``feedback/scoring.py``: the mean of the measures
	asked, an NPS answer by its category)."""
	if not frappe.db.table_exists("Feedback Response"):
		return {}
	columns = set(frappe.db.get_table_columns("Feedback Response"))
	if not {"customer", "satisfaction", "has_csat", "has_effort", "submitted_on"} <= columns:
		return {}
	# every response, newest last, in one plain read; the latest scored one per customer wins (a number
	# column keeps "not asked" as 0: what was asked is in has_csat, nps_category and has_effort)
	rows = frappe.db.sql(
		"""
		select customer, satisfaction
		from `tabFeedback Response`
		where customer is not null and customer != '' and docstatus < 2
			and (has_csat = 1 or has_effort = 1 or coalesce(nps_category, '') != '')
			and submitted_on is not null
		order by submitted_on, creation
		"""
	)
	return {customer: max(0.0, min(100.0, float(value))) for customer, value in rows}


def score(today, conf: dict, by_company: dict, relationships: dict, satisfaction: dict) -> dict:
	"""{customer: values to write}, for every customer with a relationship record."""
	rfm, main = {}, {}
	for company, figures in by_company.items():
		buyers = {c: f for c, f in figures.items() if f[1] > 0}
		r = scoring.quintile_scores({c: (today - f[2]).days for c, f in buyers.items()}, False)
		f_ = scoring.quintile_scores({c: f[1] for c, f in buyers.items()})
		m = scoring.quintile_scores({c: f[0] for c, f in buyers.items()})
		for customer, fig in buyers.items():
			best = main.get(customer)
			if best is None or (fig[0], company) > best:
				main[customer] = (fig[0], company)
				rfm[customer] = (r[customer], f_[customer], m[customer], company)

	totals = defaultdict(
		lambda: [0, None, 0, 0, 0.0, 0.0]
	)  # frequency, last, current, previous, out, overdue
	for figures in by_company.values():
		for customer, (_m, frequency, last, current, previous, outstanding, overdue) in figures.items():
			t = totals[customer]
			t[0] += frequency
			if last and (t[1] is None or last > t[1]):
				t[1] = last
			t[2] += current
			t[3] += previous
			t[4] += outstanding
			t[5] += overdue

	weights = [conf["weights"].get(key, 0) for key in scoring.COMPONENTS]
	churn_days, trend_days = conf["churn_days"], conf["trend_days"]
	at_risk_below, healthy_from = conf["at_risk_below"], conf["healthy_from"]
	out = {}
	for customer, (days_to_pay, contacts, _segment, _label) in relationships.items():
		t = totals.get(customer)
		if not t or not t[0]:
			out[customer] = _no_purchase()
			continue
		p = scoring.Purchases(
			days_since_purchase=(today - t[1]).days,
			current_count=t[2],
			previous_count=t[3],
			avg_days_to_pay=float(days_to_pay) if days_to_pay else None,
			overdue_share=scoring.overdue_share(t[4], t[5]),
			satisfaction=satisfaction.get(customer),
			contacts_90d=int(contacts or 0),
		)
		value, points, redistributed = scoring.quick_health(p, weights, churn_days)
		r, f, m, company = rfm[customer]
		segment = scoring.segment(r, f, m)
		# what the score was computed from: the Customer form explains it from these (see api.get_health)
		breakdown = json.dumps(
			{
				"inputs": [
					p.days_since_purchase,
					p.current_count,
					p.previous_count,
					p.avg_days_to_pay,
					round(p.overdue_share, 4),
					p.satisfaction,
					p.contacts_90d,
				],
				"weights": weights,
				"churn_days": churn_days,
				"trend_days": trend_days,
				"points": points,
				"redistributed": redistributed,
				"rfm": [r, f, m],
			}
		)
		out[customer] = (
			value,
			scoring.label(value, at_risk_below, healthy_from),
			segment,
			r,
			f,
			m,
			t[2],
			t[3],
			company,
			breakdown,
		)
	return out


def explain(breakdown: dict) -> list[scoring.Component]:
	"""The components of a stored score, with their points and the values that explain them."""
	days, current, previous, days_to_pay, share, satisfaction, contacts = breakdown["inputs"]
	p = scoring.Purchases(days, current, previous, days_to_pay, share, satisfaction, contacts)
	weights = dict(zip(scoring.COMPONENTS, breakdown["weights"], strict=True))
	parts = scoring.components(p, weights, breakdown["churn_days"], breakdown["trend_days"])
	_score, parts, _redistributed = scoring.health(parts)
	return parts


def _no_purchase():
	return (0, "", scoring.NO_PURCHASE, 0, 0, 0, 0, 0, None, None)


def history_name(customer: str, day) -> str:
	"""One history row per customer and day: the primary key makes a re-run update, never duplicate."""
	return hashlib.sha1(f"{customer}\n{day}".encode()).hexdigest()[:20]


def _write(rows: dict, relationships: dict, today, progress, commit: bool) -> int:
	now = now_datetime()
	customers = sorted(rows)
	total = len(customers)
	columns = ("name", *WRITTEN_COLUMNS)
	updates = ", ".join(f"`{c}` = values(`{c}`)" for c in WRITTEN_COLUMNS)
	hist_updates = ", ".join(
		f"`{c}` = values(`{c}`)"
		for c in (
			"segment",
			"health_score",
			"health_label",
			"recency_score",
			"frequency_score",
			"monetary_score",
			"modified",
		)
	)
	for start in range(0, total, CHUNK):
		chunk = customers[start : start + CHUNK]
		values = [(c, *rows[c], now) for c in chunk]
		history = []
		for c in chunk:
			value, health_label, segment, r, f, m, _current, _previous, company, _b = rows[c]
			_d, _t, old_segment, old_label = relationships[c]
			if segment != (old_segment or "") or health_label != (old_label or ""):
				history.append(
					(
						history_name(c, today),
						c,
						company,
						today,
						segment,
						old_segment or None,
						value,
						health_label,
						r,
						f,
						m,
						now,
						now,
						"Administrator",
						"Administrator",
					)
				)
		if commit:
			_write_chunk_with_retry(columns, values, updates, history, hist_updates)
			# one short transaction per chunk: nothing stays locked while the next chunk is written
			frappe.db.commit()  # nosemgrep: long job committing per chunk, see module docstring
		else:
			_write_chunk(columns, values, updates, history, hist_updates)
		if progress:
			progress(min(start + CHUNK, total), total)
	return total


def _write_chunk(columns, values, updates, history, hist_updates) -> None:
	_insert("Customer Relationship", columns, values, updates)
	if history:
		_insert("Customer Segment History", HISTORY_COLUMNS, history, hist_updates)


def _write_chunk_with_retry(columns, values, updates, history, hist_updates, attempts: int = 3) -> None:
	"""A chunk that meets a deadlock or a lock wait (someone saving a relationship) is rolled back and
	written again: the chunk is idempotent, and the chunks before it are already committed."""
	for attempt in range(attempts):
		try:
			_write_chunk(columns, values, updates, history, hist_updates)
			return
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(1 + attempt)


def _insert(doctype: str, columns, values: list, updates: str) -> None:
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	frappe.db.sql(
		f"""insert into `tab{doctype}` ({", ".join(f"`{c}`" for c in columns)})
		values {", ".join([one] * len(values))}
		on duplicate key update {updates}""",  # nosemgrep: column names are constants
		[v for row in values for v in row],
	)


def daily():
	"""Scheduler entry point (daily_long)."""
	run_job()


def enqueue_recompute():
	frappe.enqueue(
		"crm_plus.insights.health.run_job",
		queue="long",
		timeout=3600,
		job_id=JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def run_job():
	def publish(done, total):
		frappe.publish_progress(
			done * 100 / (total or 1),
			title=_("Customer Health and Segments"),
			description=_("{0} of {1} customers").format(done, total),
		)

	frappe.db.set_single_value("CRM Plus Settings", "insights_status", _("Running"))
	frappe.db.commit()  # nosemgrep: show the status while the long job runs
	written = recompute(progress=publish)
	frappe.db.set_single_value(
		"CRM Plus Settings",
		{
			"insights_status": _("Done: {0} customers scored").format(written),
			"last_insights_on": now_datetime(),
		},
	)
