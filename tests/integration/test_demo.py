"""``bench crm-plus demo``: built through ERPNext's controllers, not duplicated, removed without a trace.

The demo is a command that commits, so this test commits too: it builds the real demo, counts the rows
of every table before and after, and removes the demo in a ``finally`` even when an assertion fails. If
the site already held the demo, it is taken away first and built again at the end, as it was found.
Other people's tests and benchmarks may be writing the same site meanwhile, so a table whose row count
moved is a failure only when it still holds a row that names something the demo made."""

import frappe
import pytest
from frappe.query_builder.functions import Count
from frappe.utils.dateutils import get_period_beginning

from crm_plus.demo import build, registry, remove
from crm_plus.feedback import api as feedback_api

# tables that only log what happened (they may keep a line about the demo, as they do for anything)
LOGS = {
	"tabError Log",
	"tabScheduled Job Log",
	"tabAccess Log",
	"tabVersion",
	"tabActivity Log",
	"tabDeleted Document",
	"tabRoute History",
	"tabTransaction Log",
	"tabSubmission Queue",
	"tabConsole Log",
	"tabRQ Job",
	"tabPrepared Report",
	"tabEmail Queue",
	"tabEmail Queue Recipient",
	# naming-series counters: ERPNext's own deletions leave them too
	"tabSeries",
}


def table_counts() -> dict[str, int]:
	tables = frappe.db.sql(
		"""select table_name from information_schema.tables
		where table_schema = database() and table_type = 'BASE TABLE'""",
		pluck=True,
	)
	counts = {}
	for table in tables:
		if table in LOGS:
			continue
		counts[table] = frappe.db.sql(f"select count(*) from `{table}`")[0][0]  # nosemgrep: a table name
	return counts


# records the demo names itself; its documents are numbered by naming series that others' documents
# reuse once the demo is gone, and every one of them names the demo's company or customer anyway
NAMED_BY_THE_DEMO = {
	"Company",
	"Customer",
	"Customer Group",
	"User",
	"Item",
	"Price List",
	"Fiscal Year",
	"Competitor",
	"CRM Adoption Program",
}


def demo_identifiers(reg: registry.Registry) -> list[str]:
	"""The names the demo gave, and its company's accounts, cost centers and warehouses (``... - CPD``)."""
	names = {name for doctype, name in reg.records if doctype in NAMED_BY_THE_DEMO}
	for doctype in ("Account", "Cost Center", "Warehouse"):
		names.update(frappe.get_all(doctype, filters={"company": registry.COMPANY}, pluck="name"))
	return sorted(names)


def rows_naming(table: str, identifiers: list[str], since, until) -> int:
	"""Rows that are demo records (their name is one) or that were written while the demo was built and
	removed and name one of its records. Other people's test records (names starting with "_") that
	happen to use a demo record meanwhile, say a customer put in the demo's customer group, are theirs."""
	columns = columns_of(table)
	if "name" not in columns:
		return 0
	naming = " or ".join(f"`{c}` in %(ids)s" for c, kind in columns.items() if kind == "varchar")
	made = f"(creation between %(since)s and %(until)s and ({naming}))" if "creation" in columns else "0"
	named = "name in %(ids)s" if columns["name"] == "varchar" else "0"  # autoincrement names are numbers
	query = f"select count(*) from `{table}` where {named} or (name not like %(test)s and {made})"
	return frappe.db.sql(query, {"ids": identifiers, "since": since, "until": until, "test": "\\_%"})[0][0]


def columns_of(table: str) -> dict[str, str]:
	return dict(
		frappe.db.sql(
			"""select column_name, data_type from information_schema.columns
			where table_schema = database() and table_name = %s""",
			table,
		)
	)


def shipped_rules() -> dict:
	from crm_plus.lifecycle.examples import EXAMPLES

	titles = [example["title"] for example in EXAMPLES]
	return dict(
		frappe.get_all(
			"Lifecycle Rule", filters={"name": ("in", titles)}, fields=["name", "enabled"], as_list=True
		)
	)


@pytest.mark.commits
def test_demo_builds_once_and_its_removal_leaves_no_trace(http_url):
	# someone else's run of this very test must not build or remove the demo meanwhile
	with registry.locked():
		frappe.db.rollback()  # a fresh snapshot, taken under the lock
		_build_count_remove(http_url)


def _build_count_remove(http_url: str):
	was_present = registry.Registry.load() is not None
	if was_present:
		remove.remove()
	before = table_counts()
	rules_before = shipped_rules()
	since = frappe.utils.now_datetime()
	try:
		summary = build.build(force=True)
		reg = registry.Registry.load()
		assert reg.status == registry.COMPLETE

		# every lifecycle stage, money and ledgers through ERPNext's own controllers
		assert sorted(summary["customers"].values()) == sorted(
			["Prospect", "Nurturing", "Maintenance", "At Risk", "At Risk", "Churned"]
		)
		customers = reg.names("Customer")
		invoices = frappe.get_all(
			"Sales Invoice",
			filters={"company": registry.COMPANY, "docstatus": 1},
			fields=["name", "is_return", "outstanding_amount", "due_date"],
		)
		assert {si.name for si in invoices} == set(reg.names("Sales Invoice"))
		assert any(si.is_return for si in invoices)
		overdue = [
			si for si in invoices if si.outstanding_amount > 0 and si.due_date < frappe.utils.getdate()
		]
		assert len(overdue) == 2
		gl = frappe.db.sql(
			"""select sum(debit) - sum(credit), count(*) from `tabGL Entry`
			where company = %s and is_cancelled = 0""",
			registry.COMPANY,
		)[0]
		assert gl[1] > 0 and abs(gl[0]) < 0.01  # balanced books
		assert frappe.db.count("Payment Ledger Entry", {"company": registry.COMPANY}) > 0
		assert frappe.db.count("Stock Ledger Entry", {"company": registry.COMPANY}) > 0
		assert reg.names("Dunning")
		# the engines ran: touchpoints, alerts of the shipped rules, a past evaluation with a score
		assert summary["touchpoints"]["Invoice"] == len([si for si in invoices if not si.is_return])
		assert summary["touchpoints"]["Overdue"] == 2
		assert {rule for rule, _c in summary["alerts"]} >= {
			"Invoice overdue by 30 days: alert the account owner",
			"Purchase frequency halved: flag At Risk",
		}
		if frappe.db.table_exists("Feedback Response"):  # the unanswered complaint of a survey
			assert ["Answer feedback within 24 hours", registry.PREFIX + "Lakeside Roasters"] in summary[
				"alerts"
			]
		assert frappe.db.count("Lifecycle Alert", {"customer": ("in", customers)}) == len(summary["alerts"])
		evaluations = frappe.get_all(
			"CRM Plan Evaluation", filters={"plan": summary["plan"]}, fields=["docstatus", "weighted_score"]
		)
		assert evaluations and any(e.docstatus == 1 for e in evaluations)
		assert all(e.weighted_score is not None for e in evaluations)
		for example in ("Invoice overdue by 30 days: alert the account owner",):
			assert frappe.db.get_value("Lifecycle Rule", example, "enabled") == 1
		# the workspace shows the demo: every chart holds its customers and touchpoints, every card a figure
		assert_workspace_shows_the_demo(customers)
		# every customer has a contact with an e-mail address; the survey answered from its queued e-mail
		assert_survey_answered_from_its_email(customers, http_url)

		# running it again adds nothing
		records = len(reg.records)
		again = build.build()
		assert again["already_present"] and len(registry.Registry.load().records) == records
		assert frappe.db.count("Customer", {"name": ("in", customers)}) == len(customers) == 6

		identifiers = demo_identifiers(reg)
		assert remove.remove() == records
	finally:
		if registry.Registry.load():
			remove.remove()

	assert registry.Registry.load() is None
	assert not frappe.db.exists("Company", registry.COMPANY)
	until = frappe.utils.now_datetime()
	after = table_counts()
	moved = sorted(t for t in set(before) | set(after) if before.get(t, 0) != after.get(t, 0))
	left = {t: n for t in moved if t in after and (n := rows_naming(t, identifiers, since, until))}
	# the tables the demo fills, checked row by row whether or not their count moved
	for table in (
		"tabCompany",
		"tabCustomer",
		"tabSales Invoice",
		"tabPayment Entry",
		"tabGL Entry",
		"tabPayment Ledger Entry",
		"tabStock Ledger Entry",
		"tabAccount",
		"tabCustomer Touchpoint",
		"tabCustomer Relationship",
		"tabLifecycle Alert",
		"tabCRM Plan",
		"tabCRM Plan Evaluation",
		"tabToDo",
	):
		if n := rows_naming(table, identifiers, since, until):
			left[table] = n
	assert left == {}, f"the demo left rows behind: {left}"
	# the shipped rules are as the demo found them
	assert shipped_rules() == rules_before
	if was_present:
		build.build(force=True)


def assert_survey_answered_from_its_email(customers: list[str], http_url: str) -> None:
	"""Each demo customer's primary contact has an e-mail address; the demo's survey was e-mailed to the
	customers who had not answered it, and a customer answers it from the link in the queued e-mail,
	over HTTP and without an account (``crm-plus demo`` on a new site does the same, with the e-mail kept
	in the queue: ``test_fresh_site_demo.py``)."""
	from tests.integration import survey_mail
	from tests.integration.factories import forget_rate_limit

	contacts = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ("in", customers)},
			fields=["name", "customer_primary_contact"],
			as_list=True,
		)
	)
	emails = {c: frappe.db.get_value("Contact", contact, "email_id") for c, contact in contacts.items()}
	assert len(emails) == 6 and all(emails.values()), emails
	surveyed = [registry.PREFIX + name for name in ("Harbor Cafe", "Old Mill Deli")]
	invitations = frappe.get_all(
		"Feedback Invitation",
		filters={"customer": ("in", customers)},
		fields=["name", "customer", "email", "email_queue"],
	)
	assert sorted(i.customer for i in invitations) == sorted(surveyed)
	assert all(i.email == emails[i.customer] and i.email_queue for i in invitations), invitations
	invitation = invitations[0]
	message = frappe.db.get_value("Email Queue", invitation.email_queue, "message")
	# the survey endpoint allows 30 posts an hour from one address, and every test on this machine posts
	# from 127.0.0.1 (other sessions' too): this one answer is not about that limit
	forget_rate_limit("crm_plus.feedback.api.submit", feedback_api.RATE_WINDOW)
	answered = survey_mail.answer(
		http_url,
		survey_mail.link_in(message),
		lambda questions: {q: "5" if kind == "Rating" else "10" for q, kind in questions},
	)
	assert answered["reply"]["status"] == "ok"
	frappe.db.rollback()  # see what the web server committed
	response = frappe.db.get_value(
		"Feedback Response",
		{"invitation": invitation.name},
		["customer", "nps_category", "channel"],
		as_dict=True,
	)
	assert response == {"customer": invitation.customer, "nps_category": "Promoter", "channel": "Email Link"}


WORKSPACE = "CRM Plus"


def chart_data(name: str) -> dict:
	"""A workspace chart's data as the desk fetches it: a Custom chart from its source's method (with the
	chart's own timespan and interval), the others from Frappe's Dashboard Chart ``get``."""
	from frappe.desk.doctype.dashboard_chart import dashboard_chart

	chart = frappe.get_doc("Dashboard Chart", name)
	if chart.chart_type != "Custom":
		return dashboard_chart.get(chart_name=name, refresh=1)
	source = frappe.get_doc("Dashboard Chart Source", chart.source)
	module, scrubbed = frappe.scrub(source.module), frappe.scrub(source.name)
	method = f"{frappe.local.module_app[module]}.{module}.dashboard_chart_source.{scrubbed}.{scrubbed}.get"
	# through frappe.call, which passes only the arguments the method takes, as the desk's request does
	return frappe.call(
		method, chart_name=name, timespan=chart.timespan, time_interval=chart.time_interval, refresh=1
	)


def values_by_label(data: dict) -> dict[str, float]:
	"""Each label's value summed over the datasets."""
	totals = dict.fromkeys(data["labels"], 0)
	for dataset in data["datasets"]:
		for label, value in zip(data["labels"], dataset["values"], strict=True):
			totals[label] += value or 0
	return totals


def assert_workspace_shows_the_demo(customers: list[str]) -> None:
	"""Other records of the shared site may add to a chart, never take the demo's own away: each chart
	counts at least what the demo made, and what the demo made is not nothing."""
	from crm_plus.insights import cards

	charts = {row.chart_name for row in frappe.get_doc("Workspace", WORKSPACE).charts}
	assert charts == {
		"CRM Plus Touchpoints by Type per Week",
		"CRM Plus Customers by Stage",
		"CRM Plus Segment Sizes",
	}
	relationships = frappe.get_all(
		"Customer Relationship",
		filters={"name": ("in", customers)},
		fields=["lifecycle_stage", "rfm_segment"],
	)
	for chart, field in (
		("CRM Plus Customers by Stage", "lifecycle_stage"),
		("CRM Plus Segment Sizes", "rfm_segment"),
	):
		shown = values_by_label(chart_data(chart))
		made = {}
		for row in relationships:
			if row[field]:
				made[row[field]] = made.get(row[field], 0) + 1
		assert len(made) >= 4, (chart, made)  # the demo's customers are spread over stages and segments
		assert all(shown.get(label, 0) >= n for label, n in made.items()), (chart, shown, made)

	data = chart_data("CRM Plus Touchpoints by Type per Week")
	weeks = len(data["labels"])  # up to this week (weeks begin on the site's first day of the week)
	assert weeks >= 12
	this_week = get_period_beginning(frappe.utils.getdate(), "Weekly")
	since = frappe.utils.add_days(this_week, -7 * (weeks - 1))
	tp = frappe.qb.DocType("Customer Touchpoint")
	made = (
		frappe.qb.from_(tp)
		.select(tp.touchpoint_type, Count("*").as_("n"))
		.where(tp.customer.isin(customers) & (tp.status == "Active") & (tp.posting_date >= since))
		.groupby(tp.touchpoint_type)
		.run(as_dict=True)
	)
	assert sum(row.n for row in made) >= 10  # the demo's recent months are busy
	shown = {d["name"]: sum(d["values"]) for d in data["datasets"]}
	for row in made:
		assert shown.get(frappe._(row.touchpoint_type), 0) >= row.n, (row, shown)

	# every number card shows a figure made by the demo (NPS: its own answers are more promoters)
	for card in ("active_customers", "customers_at_risk", "overdue_amount", "average_days_to_pay"):
		assert getattr(cards, card)()["value"] > 0, card
	assert frappe.db.count("Lifecycle Alert", {"customer": ("in", customers), "status": "Open"}) > 0
	if frappe.db.table_exists("Feedback Response"):
		categories = frappe.get_all(
			"Feedback Response", filters={"customer": ("in", customers)}, pluck="nps_category"
		)
		assert categories.count("Promoter") > categories.count("Detractor"), categories


def test_demo_refuses_a_site_with_real_customers_unless_forced():
	with registry.locked():
		frappe.db.rollback()
		_refuses()


def _refuses():
	if registry.Registry.load():
		pytest.skip("the demo is on this site: a second run only reports it")
	frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"Real Customer {frappe.generate_hash(length=6)}",
			"customer_group": "All Customer Groups",
			"territory": "All Territories",
		}
	).insert()
	with pytest.raises(frappe.ValidationError, match="--force"):
		build.build()
	assert registry.Registry.load() is None
	assert not frappe.db.exists("Company", registry.COMPANY)
