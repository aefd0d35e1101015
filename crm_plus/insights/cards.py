"""Workspace number cards: one small aggregate each over crm_plus's tables, for the customers the user
may see (User Permissions on Territory and the like apply, as in the reports)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Avg, Count, Sum
from frappe.utils import add_days, nowdate

from crm_plus.access import restrict_to_list
from crm_plus.insights import reports

ACTIVE_STAGES = ("Nurturing", "Maintenance", "At Risk")


def _card(value, fieldtype: str = "Int", route=None, route_options=None) -> dict:
	return {"value": value or 0, "fieldtype": fieldtype, "route": route, "route_options": route_options}


def _relationships(select):
	# a reader of relationships who may read no customer gets 0 (their list is empty), not an error
	frappe.has_permission(reports.RELATIONSHIP, "read", throw=True)
	r = DocType("Customer Relationship")
	query = frappe.qb.from_(r).select(select(r))
	return r, query


def _run(query, r):
	# the relationships the user's list shows (role, User Permissions, readable customers)
	return restrict_to_list(query, "Customer Relationship").run()[0][0]


@frappe.whitelist()
def active_customers(filters: str | dict | None = None) -> dict:
	"""Customers with a purchase within the churn threshold (lifecycle stage Nurturing, Maintenance or At Risk)."""
	r, query = _relationships(lambda r: Count("*"))
	value = _run(query.where(r.lifecycle_stage.isin(ACTIVE_STAGES)), r)
	return _card(
		value,
		route=["List", "Customer Relationship"],
		route_options={"lifecycle_stage": ["in", ACTIVE_STAGES]},
	)


AT_RISK = "At Risk"


@frappe.whitelist()
def customers_at_risk(filters: str | dict | None = None) -> dict:
	"""Customers in the lifecycle stage At Risk: the slice of the "Customers by Stage" chart beside it.
	"At Risk" is only ever a stage (the health label is *Unhealthy*, the RFM segment *Slipping Away*)."""
	r, query = _relationships(lambda r: Count("*"))
	value = _run(query.where(r.lifecycle_stage == AT_RISK), r)
	return _card(value, route=["List", "Customer Relationship"], route_options={"lifecycle_stage": AT_RISK})


@frappe.whitelist()
def overdue_amount(filters: str | dict | None = None) -> dict | str:
	"""Overdue amount of all customers, in company currency; only for those who may see amounts."""
	frappe.has_permission(reports.RELATIONSHIP, "read", throw=True)
	if not reports.can_see_money():
		# shown on the workspace to all who read relationships: no figure, and no number for Frappe's card
		# to format (a text answer is shown as it is)
		return "—"
	r, query = _relationships(lambda r: Sum(r.overdue_amount))
	value = _run(query.where(r.overdue_amount > 0), r)
	return _card(value, "Currency", route=["query-report", "Collections Follow-up"])


@frappe.whitelist()
def average_days_to_pay(filters: str | dict | None = None) -> dict:
	"""Mean of customers' average days to pay, over customers who have paid an invoice."""
	r, query = _relationships(lambda r: Avg(r.avg_days_to_pay))
	value = _run(query.where(r.avg_days_to_pay > 0), r)
	return _card(round(float(value or 0), 1), "Float")


@frappe.whitelist()
def open_lifecycle_alerts(filters: str | dict | None = None) -> dict:
	"""Lifecycle alerts not yet resolved."""
	frappe.has_permission("Lifecycle Alert", "read", throw=True)
	a = DocType("Lifecycle Alert")
	query = frappe.qb.from_(a).select(Count("*")).where(a.status == "Open")
	query = restrict_to_list(query, "Lifecycle Alert")
	return _card(query.run()[0][0], route=["List", "Lifecycle Alert"], route_options={"status": "Open"})


NPS_DAYS = 90


@frappe.whitelist()
def nps(filters: str | dict | None = None) -> dict:
	"""Net Promoter Score of the customer survey answers of the last 90 days: % promoters - % detractors
	(0 while no survey has been answered or surveys are not installed). The workspace shows the card to
	those who survey customers (its document type is Feedback Invitation): a staff member reads only the
	answers they gave themselves, which would make a score of 0 here."""
	if not frappe.db.table_exists("Feedback Response"):
		return _card(0)
	frappe.has_permission("Feedback Response", "read", throw=True)
	fr = DocType("Feedback Response")
	query = (
		frappe.qb.from_(fr)
		.select(fr.nps_category, Count("*"))
		.where(fr.nps_category.isin(("Promoter", "Passive", "Detractor")))
		.where(fr.submitted_on >= add_days(nowdate(), -NPS_DAYS))
		.groupby(fr.nps_category)
	)
	query = restrict_to_list(query, "Feedback Response")
	counts = dict(query.run())
	total = sum(counts.values())
	if not total:
		return _card(0)
	value = round(100 * (counts.get("Promoter", 0) - counts.get("Detractor", 0)) / total)
	return _card(value, route=["List", "Feedback Response"])
