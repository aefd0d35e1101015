"""What every Insights report shares: who may see which customers, and who may see money."""

import frappe
from frappe import _
from frappe.query_builder import Criterion, DocType

from crm_plus.access import can_read_money, permitted_customers

RELATIONSHIP = "Customer Relationship"


def can_see_money(user: str | None = None) -> bool:
	"""Amounts follow Customer Relationship's permlevel 1 (Accounts User, Sales Manager, CRM Manager)."""
	return can_read_money(RELATIONSHIP, user)


def check_access() -> None:
	frappe.has_permission(RELATIONSHIP, "read", throw=True)
	frappe.has_permission("Customer", "read", throw=True)


def restrict(query, column, customers: list[str] | None):
	if customers is None:
		return query
	if not customers:
		return query.where(Criterion.all([column.isnull(), column.notnull()]))  # nothing
	return query.where(column.isin(customers))


def tree_filter(query, column, doctype: str, value: str | None):
	"""The value or any of its descendants in a nested-set tree (Territory, Customer Group)."""
	if not value:
		return query
	tree = DocType(doctype)
	bounds = frappe.db.get_value(doctype, value, ["lft", "rgt"])
	if not bounds:
		return query.where(column == value)
	lft, rgt = bounds
	children = frappe.qb.from_(tree).select(tree.name).where((tree.lft >= lft) & (tree.rgt <= rgt))
	return query.where(column.isin(children))


DEFAULT_ROWS = 500


def row_limit(filters) -> int:
	"""How many rows a list report returns (worst first); its chart always counts every row."""
	limit = frappe.utils.cint(filters.get("limit")) or DEFAULT_ROWS
	if limit < 0:
		frappe.throw(frappe._("{0} cannot be negative.").format(frappe._("Rows")), frappe.ValidationError)
	return limit


def translate_segments(rows: list[dict], field: str = "rfm_segment") -> list[dict]:
	"""Each row's segment name (stored in English, filtered on in English) in the reader's language, as
	the charts show it; done last, after every query and chart that reads the English name."""
	for row in rows:
		if row.get(field):
			row[field] = _(row[field])
	return rows
