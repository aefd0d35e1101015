# Copyright (c) 2026, crm_plus developers and contributors
# For license information, please see license.txt
"""Competitor Insights: per competitor, the notes staff captured (by aspect and over time), the
opportunities and quotations lost to it with their amounts, and the customers most exposed to it.

A deal lost to several competitors counts, with its full amount, for each of them. Lost deals are dated
by their transaction date; the company filter applies to them (notes belong to no company). Amounts are
in company currency and shown only to those who may read money figures (Sales Manager, Accounts User,
CRM Manager). Nothing here needs Opportunity: a site that never uses it gets zeros there.
"""

import erpnext
import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Count, DateFormat, Sum
from pypika.terms import Field

from crm_plus.access import can_read_money
from crm_plus.charts import report_chart
from crm_plus.competitors.rules import ASPECTS, top_exposed
from crm_plus.insights import reports

HIGH = "High"
CHART_COMPETITORS = 5
DEALS = (
	# doctype, customer-type field
	("Opportunity", "opportunity_from"),
	("Quotation", "quotation_to"),
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	check_access()
	show_amounts = can_read_amounts()
	# the customers this user may read (User Permissions on Territory, Customer Group, ...): only their notes
	# and deals are counted, and only they are named (set here, whatever the client sent)
	filters.permitted_customers = reports.permitted_customers()
	data = get_data(filters, show_amounts)
	return get_columns(show_amounts), data, None, get_chart(filters), get_summary(data, show_amounts)


def check_access():
	# the report names customers and deals: only for those who may read customers
	if not frappe.has_permission("Customer", "read", ignore_share_permissions=True):
		frappe.throw(_("Not permitted to read {0}").format(_("Customer")), frappe.PermissionError)


def can_read_amounts() -> bool:
	"""Money follows the touchpoints' rule: permlevel 1 (Sales Manager, Accounts User, CRM Manager)."""
	return can_read_money("Customer Touchpoint")


def aspect_field(aspect: str) -> str:
	return "aspect_" + frappe.scrub(aspect)


def get_columns(show_amounts: bool) -> list[dict]:
	columns = [
		{
			"fieldname": "competitor",
			"label": _("Competitor"),
			"fieldtype": "Link",
			"options": "Competitor",
			"width": 180,
		},
		{"fieldname": "notes", "label": _("Notes"), "fieldtype": "Int", "width": 80},
	]
	columns += [
		{"fieldname": aspect_field(a), "label": _(a), "fieldtype": "Int", "width": 90} for a in ASPECTS
	]
	columns.append({"fieldname": "high_threat", "label": _("High Threat"), "fieldtype": "Int", "width": 100})
	for doctype, label in (("opportunity", _("Lost Opportunities")), ("quotation", _("Lost Quotations"))):
		columns.append(
			{"fieldname": f"lost_{doctype}_count", "label": label, "fieldtype": "Int", "width": 120}
		)
		if show_amounts:
			columns.append(
				{
					"fieldname": f"lost_{doctype}_amount",
					"label": _("{0} Amount").format(label),
					"fieldtype": "Currency",
					"options": "currency",
					"width": 150,
				}
			)
	columns += [
		{"fieldname": "customers", "label": _("Customers Exposed"), "fieldtype": "Int", "width": 130},
		{
			"fieldname": "most_exposed",
			"label": _("Most Exposed Customers"),
			"fieldtype": "Data",
			"width": 300,
		},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]
	return columns


def get_data(filters, show_amounts: bool = True) -> list[dict]:
	rows: dict[str, dict] = {}
	exposure: dict[str, dict[str, int]] = {}
	currency = (
		frappe.get_cached_value("Company", filters.company, "default_currency")
		if filters.company
		else erpnext.get_default_currency()
	)

	def row(competitor: str) -> dict:
		if competitor not in rows:
			rows[competitor] = {
				"competitor": competitor,
				"notes": 0,
				"high_threat": 0,
				**{aspect_field(a): 0 for a in ASPECTS},
				"lost_opportunity_count": 0,
				"lost_quotation_count": 0,
				"lost_opportunity_amount": 0.0,
				"lost_quotation_amount": 0.0,
				"currency": currency,
			}
		return rows[competitor]

	def expose(competitor: str, customer: str | None, count: int):
		if customer:
			per_customer = exposure.setdefault(competitor, {})
			per_customer[customer] = per_customer.get(customer, 0) + count

	for r in note_counts(filters):
		target = row(r.competitor)
		target["notes"] += r.notes
		target[aspect_field(r.aspect if r.aspect in ASPECTS else "Other")] += r.notes
		if r.threat_level == HIGH:
			target["high_threat"] += r.notes
	for r in note_exposure(filters):
		expose(r.competitor, r.customer, r.notes)

	if not filters.aspect:  # lost deals have no aspect
		for doctype, party_type_field in DEALS:
			if not frappe.db.table_exists(doctype):
				continue
			key = frappe.scrub(doctype)
			for r in lost_deal_totals(doctype, party_type_field, filters):
				target = row(r.competitor)
				target[f"lost_{key}_count"] += r.deals
				target[f"lost_{key}_amount"] += r.amount or 0
			for r in lost_deal_exposure(doctype, party_type_field, filters):
				expose(r.competitor, r.customer, r.deals)

	data = []
	for competitor in sorted(rows):
		target = rows[competitor]
		customers = exposure.get(competitor, {})
		target["customers"] = len(customers)
		target["most_exposed"] = ", ".join(f"{c} ({n})" for c, n in top_exposed(customers))
		if not show_amounts:
			target.pop("lost_opportunity_amount")
			target.pop("lost_quotation_amount")
		data.append(target)
	return data


def _notes(filters):
	n = DocType("Competitor Note")
	q = frappe.qb.from_(n)
	if filters.from_date:
		q = q.where(n.observed_on >= filters.from_date)
	if filters.to_date:
		q = q.where(n.observed_on <= filters.to_date)
	for field in ("competitor", "customer", "aspect"):
		if filters.get(field):
			q = q.where(n[field] == filters.get(field))
	if filters.permitted_customers is not None:  # notes without a customer are everyone's
		q = q.where(
			n.customer.isnull() | (n.customer == "") | n.customer.isin(filters.permitted_customers or [""])
		)
	return n, q


def note_counts(filters):
	n, q = _notes(filters)
	return (
		q.select(n.competitor, n.aspect, n.threat_level, Count("*").as_("notes"))
		.groupby(n.competitor, n.aspect, n.threat_level)
		.run(as_dict=True)
	)


def note_exposure(filters):
	n, q = _notes(filters)
	return (
		q.select(n.competitor, n.customer, Count("*").as_("notes"))
		.where(n.customer.isnotnull() & (n.customer != ""))
		.groupby(n.competitor, n.customer)
		.run(as_dict=True)
	)


def notes_by_month(filters):
	n, q = _notes(filters)
	month = DateFormat(n.observed_on, "%Y-%m")
	return (
		q.select(n.competitor, month.as_("month"), Count("*").as_("notes"))
		.groupby(n.competitor, month)
		.run(as_dict=True)
	)


def _lost_deals(doctype: str, party_type_field: str, filters):
	"""Lost deals joined to the competitors they name (each deal and competitor once)."""
	deal, detail = DocType(doctype), DocType("Competitor Detail")
	pairs = (
		frappe.qb.from_(detail)
		.select(detail.parent, detail.competitor)
		.distinct()
		.where((detail.parenttype == doctype) & (detail.parentfield == "competitors"))
	)
	if filters.competitor:
		pairs = pairs.where(detail.competitor == filters.competitor)
	pairs = pairs.as_("pairs")
	q = (
		frappe.qb.from_(deal)
		.join(pairs)
		.on(Field("parent", table=pairs) == deal.name)
		.where((deal.status == "Lost") & (deal.docstatus < 2))
	)
	if filters.from_date:
		q = q.where(deal.transaction_date >= filters.from_date)
	if filters.to_date:
		q = q.where(deal.transaction_date <= filters.to_date)
	if filters.company:
		q = q.where(deal.company == filters.company)
	if filters.customer:
		q = q.where((deal[party_type_field] == "Customer") & (deal.party_name == filters.customer))
	if filters.permitted_customers is not None:  # deals with leads or prospects are not a customer's
		q = q.where(
			(deal[party_type_field] != "Customer") | deal.party_name.isin(filters.permitted_customers or [""])
		)
	return deal, Field("competitor", table=pairs), q


def deal_amount(doctype: str, deal):
	"""A deal's value in company currency. A Quotation's grand total; an Opportunity's amount (ERPNext fills
	its company-currency copy only in the form, so amount x rate when that is empty), else its items' total."""
	if doctype == "Quotation":
		return deal.base_grand_total
	return (
		Case()
		.when(deal.base_opportunity_amount != 0, deal.base_opportunity_amount)
		.when(deal.opportunity_amount != 0, deal.opportunity_amount * deal.conversion_rate)
		.else_(deal.base_total)
	)


def lost_deal_totals(doctype: str, party_type_field: str, filters):
	deal, competitor, q = _lost_deals(doctype, party_type_field, filters)
	return (
		q.select(
			competitor.as_("competitor"),
			Count("*").as_("deals"),
			Sum(deal_amount(doctype, deal)).as_("amount"),
		)
		.groupby(competitor)
		.run(as_dict=True)
	)


def lost_deal_exposure(doctype: str, party_type_field: str, filters):
	deal, competitor, q = _lost_deals(doctype, party_type_field, filters)
	return (
		q.select(competitor.as_("competitor"), deal.party_name.as_("customer"), Count("*").as_("deals"))
		.where(deal[party_type_field] == "Customer")
		.groupby(competitor, deal.party_name)
		.run(as_dict=True)
	)


def get_chart(filters) -> dict | None:
	"""Notes per month for the competitors with the most notes."""
	rows = notes_by_month(filters)
	if not rows:
		return None
	totals: dict[str, int] = {}
	for r in rows:
		totals[r.competitor] = totals.get(r.competitor, 0) + r.notes
	top = [c for c, _n in sorted(totals.items(), key=lambda i: (-i[1], i[0]))[:CHART_COMPETITORS]]
	months = sorted({r.month for r in rows})
	values = {(r.competitor, r.month): r.notes for r in rows}
	return report_chart(
		{
			"labels": months,
			"datasets": [{"name": c, "values": [values.get((c, m), 0) for m in months]} for c in top],
		},
		"bar",
		barOptions={"stacked": 1},
		title=_("Competitor Notes per Month"),
	)


def get_summary(data: list[dict], show_amounts: bool) -> list[dict]:
	summary = [
		{"label": _("Notes"), "value": sum(r["notes"] for r in data), "datatype": "Int"},
		{"label": _("High Threat"), "value": sum(r["high_threat"] for r in data), "datatype": "Int"},
		{
			"label": _("Lost Opportunities"),
			"value": sum(r["lost_opportunity_count"] for r in data),
			"datatype": "Int",
		},
		{
			"label": _("Lost Quotations"),
			"value": sum(r["lost_quotation_count"] for r in data),
			"datatype": "Int",
		},
	]
	if show_amounts and data:
		summary.append(
			{
				"label": _("Lost Amount"),
				"value": sum(r["lost_opportunity_amount"] + r["lost_quotation_amount"] for r in data),
				"datatype": "Currency",
				"currency": data[0]["currency"],
			}
		)
	return summary
