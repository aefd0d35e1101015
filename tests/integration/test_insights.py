"""Insights on the real site: RFM quintiles and segments, health scores and their breakdown, weights,
the "health is Unhealthy" lifecycle condition, segment history, reports, number cards and permissions."""

import json

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_plus.insights import api, cards, health
from crm_plus.insights.report.churn_risk import churn_risk
from crm_plus.insights.report.collections_follow_up import collections_follow_up
from crm_plus.insights.report.customer_health import customer_health
from crm_plus.insights.report.rfm_segments import rfm_segments
from crm_plus.lifecycle import engine
from crm_plus.touchpoints import relationship
from tests.integration.factories import invoice, invoice_due, make_customer, make_customer_group
from tests.integration.factories import make_user as _make_user
from tests.integration.lifecycle_helpers import make_rule

INVOICE_COLUMNS = (
	"name",
	"docstatus",
	"customer",
	"company",
	"posting_date",
	"due_date",
	"currency",
	"party_account_currency",
	"conversion_rate",
	"base_net_total",
	"grand_total",
	"base_grand_total",
	"outstanding_amount",
	"is_return",
	"creation",
	"modified",
	"owner",
	"modified_by",
)


@pytest.fixture(autouse=True)
def fiscal_years():
	"""Invoices here reach 400 days back, past the test fiscal years a site may have: the missing years
	are made for the test (rolled back with it, and ERPNext's cache of fiscal years forgotten)."""
	this_year = frappe.utils.getdate().year
	for year in range(this_year - 2, this_year + 1):
		if not frappe.db.sql(
			"select 1 from `tabFiscal Year` where %s between year_start_date and year_end_date",
			f"{year}-07-01",
		):
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": f"_CRM Insights {year}",
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
				}
			).insert(ignore_permissions=True)
	frappe.cache.delete_value("fiscal_years")
	yield
	frappe.db.rollback()
	frappe.cache.delete_value("fiscal_years")


def make_user(*roles):
	"""A user with these roles; Frappe's hourly limit on new users (the shared test site makes many, and
	rolls them back) does not apply to test fixtures."""
	frappe.flags.in_import = True
	try:
		return _make_user(*roles)
	finally:
		frappe.flags.in_import = False


def raw_invoice(customer, company, days_ago, amount, is_return=0):
	"""A submitted invoice row of a company of the test's own (nothing else is ranked with it)."""
	day = add_days(nowdate(), -days_ago)
	values = (
		f"_CRM-INS-{frappe.generate_hash(length=12)}",
		1,
		customer,
		company,
		day,
		day,
		"INR",
		"INR",
		1,
		amount,
		amount,
		amount,
		0,
		is_return,
		frappe.utils.now(),
		frappe.utils.now(),
		"Administrator",
		"Administrator",
	)
	frappe.db.sql(
		f"insert into `tabSales Invoice` ({', '.join(f'`{c}`' for c in INVOICE_COLUMNS)}) "
		f"values ({', '.join(['%s'] * len(values))})",
		values,
	)


# customer -> (days ago of each purchase, amount of each purchase); G never buys
PURCHASES = {
	"A": ([10], 100),
	"B": ([10], 200),
	"C": ([50, 60], 100),
	"D": ([100, 110, 120], 100),
	"E": ([200, 210], 200),
	"F": ([400, 410, 420, 430, 440], 220),
}


def rfm_dataset():
	company = f"_CRM Insights Co {frappe.generate_hash(length=6)}"
	names = {key: make_customer() for key in "ABCDEFG"}
	for key, (days, amount) in PURCHASES.items():
		for d in days:
			raw_invoice(names[key], company, d, amount)
	raw_invoice(names["F"], company, 405, -100, is_return=1)  # F: 5 x 220 - 100 = 1000 net of the return
	relationship.refresh(list(names.values()))
	return company, names


def rel(customer):
	return frappe.db.get_value(
		"Customer Relationship",
		customer,
		[
			"health_score",
			"health_label",
			"rfm_segment",
			"recency_score",
			"frequency_score",
			"monetary_score",
			"rfm_company",
			"health_breakdown",
			"purchases_current_period",
			"purchases_previous_period",
		],
		as_dict=True,
	)


def test_quintiles_ties_and_no_purchase_match_hand_computed_scores():
	company, names = rfm_dataset()
	mine = list(names.values())
	health.recompute(commit=False, customers=mine)
	# n = 6 ranked customers, score = 1 + 5 * (first position of the value) // 6
	# frequency A1 B1 C2 E2 D3 F5 -> first positions 0,0,2,2,4,5 -> A1 B1 C2 E2 D4 F5
	# monetary A100 B200 C200 D300 E400 F1000 -> first positions 0,1,1,3,4,5 -> 1,1,1,3,4,5
	# recency (fewer days is better) 400,200,100,50,10,10 -> positions 0,1,2,3,4,4 -> F1 E1 D2 C3 A4 B4
	expected = {
		"A": (4, 1, 1, "New"),
		"B": (4, 1, 1, "New"),
		"C": (3, 2, 1, "Potential"),
		"D": (2, 4, 3, "Slipping Away"),  # fm = (4 + 3 + 1) // 2 = 4, recency 2
		"E": (1, 2, 4, "Slipping Away"),  # fm = 3
		"F": (1, 5, 5, "Slipping Away"),
		"G": (0, 0, 0, "No Purchase"),
	}
	for key, (r, f, m, segment) in expected.items():
		row = rel(names[key])
		assert (row.recency_score, row.frequency_score, row.monetary_score, row.rfm_segment) == (
			r,
			f,
			m,
			segment,
		), key
	assert rel(names["A"]).rfm_company == company
	g = rel(names["G"])
	assert g.health_label in (None, "") and g.health_score == 0 and g.rfm_company is None
	# one history row per customer for today's change of segment
	history = frappe.get_all(
		"Customer Segment History",
		filters={"customer": ("in", list(names.values())), "snapshot_date": nowdate()},
		pluck="segment",
	)
	assert sorted(history) == sorted(s for *_rfm, s in expected.values())
	health.recompute(commit=False, customers=mine)  # a re-run on the same day writes no second row
	assert frappe.db.count("Customer Segment History", {"customer": ("in", list(names.values()))}) == 7


def test_segment_movement_between_two_dates():
	company, names = rfm_dataset()
	mine = list(names.values())
	before = add_days(nowdate(), -10)
	health.recompute(as_of=before, commit=False, customers=mine)
	for days in (1, 2, 3, 4, 5):
		raw_invoice(names["A"], company, days, 1000)
	health.recompute(commit=False, customers=mine)
	assert rel(names["A"]).rfm_segment == "Champions"
	columns, data, _msg, chart = rfm_segments.execute(
		{"company": company, "from_date": before, "to_date": nowdate()}
	)
	rows = {row["segment"]: row for row in data}
	assert rows["New"]["to_champions"] >= 1
	assert sum(row["on_from_date"] for row in data) == 6
	assert sum(row["on_to_date"] for row in data) == 6
	assert rows["Champions"]["on_to_date"] >= 1
	assert {c["fieldname"] for c in columns} >= {"on_from_date", "on_to_date", "to_champions"}
	assert len(chart["data"]["datasets"]) == 2
	# sizes now, with revenue share for who may see money
	assert rows["Champions"]["customers"] >= 1
	assert sum(row["customer_share"] for row in data) == pytest.approx(100, abs=0.5)


def health_customer(group=None, **extra):
	customer = make_customer(customer_group=group or "_Test Customer Group", **extra)
	invoice(customer, rate=100)  # today, unpaid, not yet due
	return customer


def test_breakdown_sums_to_the_score_and_weights_change_it():
	customer = health_customer()
	mine = [customer]
	# the invoice is the customer's one touchpoint of the last 90 days
	assert frappe.db.get_value("Customer Relationship", customer, "touchpoints_90d") == 1
	health.recompute(commit=False, customers=mine)
	row = rel(customer)
	breakdown = json.loads(row.health_breakdown)
	assert sum(breakdown["points"]) == row.health_score
	# recency 100 (bought today), frequency 100 (1 against 0), payment 100 (nothing overdue, nothing paid
	# late), engagement 25 (1 of 4 touchpoints), satisfaction not measured: 7875 / 90 = 87.5 -> 88
	assert row.health_score == 88 and row.health_label == "Healthy"
	assert breakdown["redistributed"]
	# shares 33.33, 22.22, 27.78, -, 4.17: floors 86, the two largest remainders get a point each
	assert breakdown["points"] == [34, 22, 28, 0, 4]
	# the Customer form explains the same points, with the values behind them
	shown = api.get_health(customer)
	assert [c["points"] for c in shown["components"]] == [34, 22, 28, 0, 4]
	assert shown["components"][0]["note"] == "0 days since the last purchase (churned after 365)"
	assert not shown["components"][3]["measured"]

	settings = frappe.get_single("CRM Plus Settings")
	settings.update(
		{
			"weight_recency": 0,
			"weight_frequency": 0,
			"weight_payment": 0,
			"weight_satisfaction": 0,
			"weight_engagement": 10,
		}
	)
	settings.save()
	health.recompute(commit=False, customers=mine)
	row = rel(customer)
	assert row.health_score == 25 and row.health_label == "Unhealthy"
	assert json.loads(row.health_breakdown)["points"] == [0, 0, 0, 0, 25]

	shown = api.get_health(customer)
	assert shown["score"] == 25 and len(shown["components"]) == 5
	assert shown["components"][-1]["note"] == "touchpoints in the last 90 days: 1"


def test_settings_refuse_bad_weights():
	settings = frappe.get_single("CRM Plus Settings")
	settings.weight_payment = -1
	with pytest.raises(frappe.ValidationError, match="Payment"):
		settings.save()
	settings = frappe.get_single("CRM Plus Settings")
	settings.update({f: 0 for f in health.WEIGHT_FIELDS.values()})
	with pytest.raises(frappe.ValidationError, match="weight"):
		settings.save()
	settings = frappe.get_single("CRM Plus Settings")
	settings.health_at_risk_below, settings.health_healthy_from = 70, 40
	with pytest.raises(frappe.ValidationError, match="Unhealthy"):
		settings.save()


def test_rule_on_health_at_risk_alerts_exactly_those_customers():
	group = make_customer_group()
	healthy = health_customer(group)
	at_risk = make_customer(customer_group=group)
	invoice_due(at_risk, 500, add_days(nowdate(), -300), add_days(nowdate(), -270))  # old and overdue
	never = make_customer(customer_group=group)
	relationship.refresh([never])
	mine = [healthy, at_risk, never]
	health.recompute(commit=False, customers=mine)
	assert rel(healthy).health_label == "Healthy"
	assert rel(at_risk).health_label == "Unhealthy"
	rule = make_rule(group, "health_at_risk", {})
	matched = [row.customer for row in engine.matches(rule)]
	assert matched == [at_risk]
	alerts = engine.run_rule(rule)
	assert frappe.get_all("Lifecycle Alert", filters={"name": ("in", alerts)}, pluck="customer") == [at_risk]
	strict = make_rule(group, "health_at_risk", {"max_score": 1})
	assert [row.customer for row in engine.matches(strict)] == []


def territory(name=None):
	return (
		frappe.get_doc(
			{
				"doctype": "Territory",
				"territory_name": name or f"_CRM Territory {frappe.generate_hash(length=6)}",
				"parent_territory": "All Territories",
			}
		)
		.insert()
		.name
	)


def test_reports_respect_territory_user_permissions_and_money_permlevel():
	north, south = territory(), territory()
	mine = make_customer(territory=north)
	other = make_customer(territory=south)
	for customer in (mine, other):
		# past the churn threshold and overdue: in every customer report
		invoice_due(customer, 300, add_days(nowdate(), -400), add_days(nowdate(), -370))
	health.recompute(commit=False, customers=[mine, other])

	manager = make_user("Sales Manager")
	frappe.get_doc(
		{"doctype": "User Permission", "user": manager, "allow": "Territory", "for_value": north}
	).insert(ignore_permissions=True)
	sales_user = make_user("Sales User")

	frappe.set_user(manager)
	for report in (customer_health, churn_risk, collections_follow_up):
		columns, data, _msg, chart = report.execute({})
		customers = {row["customer"] for row in data}
		assert mine in customers and other not in customers, report.__name__
		assert chart["data"]["labels"]
		assert any(c["fieldtype"] == "Currency" for c in columns), report.__name__
	territories = {
		frappe.db.get_value("Customer", row["customer"], "territory")
		for row in customer_health.execute({})[1]
	}
	assert territories == {north}
	_c, data, _m, _ch = collections_follow_up.execute({"customer": mine})
	assert data[0]["overdue_invoices"] == 1 and data[0]["overdue_amount"] > 0
	assert data[0]["days_overdue"] == 370
	assert cards.overdue_amount()["value"] > 0

	frappe.set_user(sales_user)
	for report in (customer_health, churn_risk, collections_follow_up, rfm_segments):
		columns, data, _msg, _chart = report.execute({})
		assert not any(c["fieldtype"] == "Currency" for c in columns), report.__name__
		assert not any("amount" in key or "revenue" in key for row in data for key in row), report.__name__
	columns, data, _m, _c = customer_health.execute({})
	assert {mine, other} <= {row["customer"] for row in data}  # no user permission: every territory
	# the card is on the workspace for every reader of relationships: no figure for who may not read money
	assert cards.overdue_amount() == "—"
	with pytest.raises(frappe.PermissionError):
		api.recompute()


def test_report_filters_and_churn_reasons():
	group = make_customer_group()
	gone = make_customer(customer_group=group)
	invoice_due(gone, 100, add_days(nowdate(), -400), add_days(nowdate(), -400))
	slowing = make_customer(customer_group=group)
	for days in (100, 110, 120, 130):
		invoice(slowing, rate=100, posting_date=add_days(nowdate(), -days))
	invoice(slowing, rate=100, posting_date=add_days(nowdate(), -5))
	health.recompute(commit=False, customers=[gone, slowing])
	assert (rel(slowing).purchases_current_period, rel(slowing).purchases_previous_period) == (1, 4)
	_c, data, _m, _ch = churn_risk.execute({"min_drop_percent": 50})
	reasons = {row["customer"]: row["reason"] for row in data}
	assert reasons[gone] == "Churn threshold passed"
	assert reasons[slowing] == "Frequency fell"
	_c, data, _m, _ch = churn_risk.execute({"min_drop_percent": 80})
	assert slowing not in {row["customer"] for row in data}
	_c, data, _m, _ch = customer_health.execute({"customer_group": group})
	assert {row["customer"] for row in data} == {gone, slowing}
	_c, data, _m, _ch = customer_health.execute({"customer_group": group, "health_label": "Unhealthy"})
	assert {row["customer"] for row in data} == {gone}
	# a limited list shows the least healthy first; its chart still counts every customer
	_c, data, _m, chart = customer_health.execute({"customer_group": group, "limit": 1})
	assert [row["customer"] for row in data] == [gone]
	assert sum(chart["data"]["datasets"][0]["values"]) == 2
	with pytest.raises(frappe.ValidationError):
		churn_risk.execute({"min_drop_percent": 120})


def test_number_cards():
	customer = health_customer()
	health.recompute(commit=False, customers=[customer])
	before = cards.customers_at_risk()["value"]
	# "At Risk" is the lifecycle stage only: an unhealthy score or a slipping segment is not counted
	frappe.db.set_value(
		"Customer Relationship", customer, {"health_label": "Unhealthy", "rfm_segment": "Slipping Away"}
	)
	assert cards.customers_at_risk()["value"] == before
	frappe.db.set_value("Customer Relationship", customer, "lifecycle_stage", "At Risk")
	card = cards.customers_at_risk()
	assert card["value"] == before + 1
	# the card counts the stage's slice of the "Customers by Stage" donut: the relationships its list shows
	assert card["route_options"] == {"lifecycle_stage": "At Risk"}
	assert card["value"] == len(
		frappe.get_list("Customer Relationship", filters=card["route_options"], pluck="name")
	)
	assert cards.active_customers()["value"] >= 1
	assert cards.average_days_to_pay()["fieldtype"] == "Float"
	assert isinstance(cards.open_lifecycle_alerts()["value"], int)
	assert isinstance(cards.nps()["value"], int)


def test_recompute_is_enqueued_for_the_long_queue(monkeypatch):
	queued = []
	monkeypatch.setattr(frappe, "enqueue", lambda *args, **kwargs: queued.append((args, kwargs)))
	api.recompute()
	((args, kwargs),) = queued
	assert args == ("crm_plus.insights.health.run_job",)
	assert kwargs["queue"] == "long" and kwargs["deduplicate"] and kwargs["job_id"] == health.JOB_ID
	assert frappe.db.get_single_value("CRM Plus Settings", "insights_status") == "Queued"


def test_satisfaction_counts_when_a_survey_was_answered():
	if not frappe.db.table_exists("Feedback Response"):
		pytest.skip("surveys are not installed")
	customer = health_customer()
	frappe.db.sql(
		"""insert into `tabFeedback Response` (name, customer, csat, has_csat, satisfaction, submitted_on,
			creation, modified, owner, modified_by, docstatus)
		values (%s, %s, 0, 1, 20, %s, now(), now(), 'Administrator', 'Administrator', 0)""",
		(frappe.db.get_next_sequence_val("Feedback Response"), customer, frappe.utils.now()),
	)
	health.recompute(commit=False, customers=[customer])
	breakdown = json.loads(rel(customer).health_breakdown)
	# recency 100, frequency 100, payment 100, satisfaction 20, engagement 25 over all weights:
	# (3000 + 2000 + 2500 + 200 + 375) / 100 = 80.75 -> 81
	assert not breakdown["redistributed"]
	assert rel(customer).health_score == 81
	assert breakdown["points"] == [30, 20, 25, 2, 4]


def test_each_chunk_is_committed_on_its_own(monkeypatch):
	"""The long job never holds one transaction over every customer."""
	commits = []
	monkeypatch.setattr(health, "CHUNK", 1000)
	monkeypatch.setattr(frappe.db, "commit", lambda: commits.append(1))
	written = health.recompute()
	assert written == frappe.db.count("Customer Relationship")
	assert len(commits) == -(-written // 1000)


def test_scheduled_nightly_on_the_long_queue_after_the_reconciliation():
	from crm_plus import nightly

	assert "crm_plus.nightly.daily" in frappe.get_hooks("scheduler_events")["daily_long"]
	steps = list(nightly.STEPS)
	assert steps.index("crm_plus.touchpoints.reconcile.daily") < steps.index("crm_plus.insights.health.daily")


@pytest.mark.parametrize("report", ["Customer Health", "RFM Segments", "Churn Risk", "Collections Follow-up"])
def test_reports_run_through_the_report_runner(report):
	from frappe.desk.query_report import run

	result = run(report, filters={}, ignore_prepared_report=True)
	assert result["columns"] and result["chart"]["data"]["labels"]
	assert frappe.db.get_value("Report", report, ["report_type", "module"]) == ("Script Report", "Insights")


def test_a_user_without_customer_access_cannot_run_them():
	frappe.set_user(make_user("Employee"))
	with pytest.raises(frappe.PermissionError):
		customer_health.execute({})
	with pytest.raises(frappe.PermissionError):
		cards.customers_at_risk()


def test_collections_lists_the_oldest_overdue_first_and_charts_every_overdue_invoice():
	"""Rows: the customers whose oldest overdue invoice is the oldest (ties by name), found from the
	invoices in due-date order however many of them share a date; the chart ages every overdue invoice
	on its own (ERPNext's Accounts Receivable buckets: test_collections_ageing.py)."""
	area = territory()
	oldest, *tied = (make_customer(territory=area) for _ in range(3))
	tied.sort()
	day = lambda days: add_days(nowdate(), -days)  # noqa: E731
	firsts = [invoice_due(oldest, 10, day(200), day(200)).name for _ in range(5)]  # more than a first read
	invoice_due(tied[0], 100, day(40), day(40))
	invoice_due(tied[0], 100, day(10), day(10))
	invoice_due(tied[1], 100, day(40), day(40))

	def run(**filters):
		_c, data, _m, chart = collections_follow_up.execute({"territory": area, **filters})
		return data, chart["data"]["datasets"][0]["values"]

	data, amounts = run(limit=1)
	assert [row["customer"] for row in data] == [oldest]
	assert (data[0]["overdue_invoices"], data[0]["days_overdue"]) == (5, 200)
	assert data[0]["oldest_invoice"] == min(firsts) and data[0]["overdue_amount"] == 50
	assert amounts == [100, 200, 0, 0, 50]  # every overdue invoice, by its own age
	data, _amounts = run(limit=2)
	assert [row["customer"] for row in data] == [oldest, tied[0]]
	assert data[1]["overdue_invoices"] == 2 and data[1]["days_overdue"] == 40
	data, _amounts = run()
	assert [row["customer"] for row in data] == [oldest, *tied]
	data, amounts = run(min_days_overdue=100)
	assert [row["customer"] for row in data] == [oldest] and amounts == [0, 0, 0, 0, 50]
	data, amounts = run(min_days_overdue=20)  # the invoice due 10 days ago is left out
	assert [row["overdue_invoices"] for row in data] == [5, 1, 1] and amounts == [0, 200, 0, 0, 50]

	frappe.set_user(make_user("Sales User"))  # no amounts: the chart counts invoices
	_c, data, _m, chart = collections_follow_up.execute({"territory": area})
	assert chart["data"]["datasets"][0]["values"] == [1, 2, 0, 0, 5]
	assert not any("overdue_amount" in row for row in data)


def test_customer_health_names_the_segment_in_the_readers_language(monkeypatch):
	group = make_customer_group()
	customer = health_customer(group)
	health.recompute(commit=False, customers=[customer])
	segment = rel(customer).rfm_segment
	monkeypatch.setattr(frappe.local, "lang", "zh")
	_c, data, _m, _ch = customer_health.execute({"customer_group": group})
	assert segment and frappe._(segment) != segment
	assert [row.rfm_segment for row in data] == [frappe._(segment)]


def test_the_health_breakdown_is_for_who_may_read_the_relationship_in_their_language(monkeypatch):
	customer = health_customer()
	health.recompute(commit=False, customers=[customer])

	frappe.set_user(make_user("Stock User"))  # reads customers, not their relationships
	try:
		assert frappe.has_permission("Customer", "read", customer)
		assert api.get_health(customer) is None
		frappe.set_user(make_user("Sales User"))
		monkeypatch.setattr(frappe.local, "lang", "zh")
		shown = api.get_health(customer)
	finally:
		frappe.set_user("Administrator")
	labels = [c["label"] for c in shown["components"]]
	assert labels[0] == frappe._("Recency") != "Recency"
