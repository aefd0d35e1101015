"""Who may read or change what: one place for the rules every path of crm_plus applies.

- Money sits at permlevel 1 of each doctype that carries it (``can_read_money``); it can neither be read
  nor worked out through filters, sorting or grouping (``guard_list_request``).
- A record that belongs to a customer can be moved to another customer only by someone allowed the record
  as it was (``check_repoint``), and what was submitted stays as submitted (``check_unchanged``).
"""

import json
import re

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.utils import cint, cstr, flt, get_datetime, getdate

CRM_PLUS_MODULES = ("CRM Plus", "Touchpoints", "Lifecycle", "Plans", "Feedback", "Competitors", "Insights")
CRM_PLUS_MODULES += ("Adoption",)


def can_read_money(doctype: str, user: str | None = None) -> bool:
	"""Whether ``user`` (default: the session user) may read ``doctype``'s permlevel-1 fields."""
	return 1 in frappe.get_meta(doctype).get_permlevel_access("read", user=user)


# -- filters, sorting and grouping ----------------------------------------------------------------------

# request arguments that filter, sort or group a list (REST resource, frappe.client, reportview, listview)
QUERY_ARGUMENTS = ("filters", "or_filters", "current_filters", "order_by", "sort_by", "group_by", "field")
QUERY_ARGUMENTS += ("aggregate_on_field", "group_by_field")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def core_checks_filter_fields() -> bool:
	"""Frappe's own query engine refuses filters on fields the user may not read (v16): then it is done
	there, whatever the path, and crm_plus does not check it again."""
	try:
		from frappe.database.query import Engine
	except ImportError:
		return False
	return hasattr(Engine, "check_filter_field_permission")


def guard_list_request() -> None:
	"""``before_request``: a list request on a crm_plus doctype that filters, sorts or groups by a field
	the user may not read (an amount at permlevel 1) is refused, so an amount cannot be found by trying
	values or ranking records. Fields the user may not read are already left out of what a list returns."""
	if frappe.session.user == "Guest" or core_checks_filter_fields():
		return
	doctype = _requested_doctype()
	if not doctype or doctype not in crm_plus_doctypes():
		return
	args = frappe.local.form_dict
	if not any(args.get(key) for key in QUERY_ARGUMENTS):
		return
	check_query_fields(doctype, **{key: args.get(key) for key in QUERY_ARGUMENTS})


def _requested_doctype() -> str | None:
	request = getattr(frappe.local, "request", None)
	path = request.path if request else ""
	for prefix in ("/api/resource/", "/api/v1/resource/", "/api/v2/document/"):
		if path.startswith(prefix):
			from urllib.parse import unquote

			return unquote(path[len(prefix) :].split("/", 1)[0])
	doctype = frappe.local.form_dict.get("doctype")
	return doctype if isinstance(doctype, str) else None


def crm_plus_doctypes() -> frozenset[str]:
	def load():
		return frappe.get_all("DocType", filters={"module": ("in", CRM_PLUS_MODULES)}, pluck="name")

	return frozenset(frappe.cache.get_value("crm_plus:doctypes", load))


def check_query_fields(doctype: str, **arguments) -> None:
	"""Raise ``frappe.PermissionError`` when a filter, sort or group of the query names a field of
	``doctype`` (or of its child tables) that the user may not read."""
	for child, fieldname in _named_fields(doctype, arguments):
		if fieldname in unreadable_fields(child or doctype, doctype if child else None):
			frappe.throw(
				_("You do not have permission to filter, sort or group by {0}.").format(
					frappe.bold(_(frappe.get_meta(child or doctype).get_label(fieldname)))
				),
				frappe.PermissionError,
			)


def unreadable_fields(doctype: str, parenttype: str | None = None) -> frozenset[str]:
	meta = frappe.get_meta(doctype)
	levels = set(meta.get_permlevel_access("read", parenttype=parenttype) or [0])
	return frozenset(df.fieldname for df in meta.fields if (df.permlevel or 0) not in levels)


def _named_fields(doctype: str, arguments: dict):
	"""(child doctype or None, fieldname) for every field a query's arguments filter, sort or group by."""
	children = {df.options for df in frappe.get_meta(doctype).get_table_fields()}
	for key, value in arguments.items():
		if not value:
			continue
		if key in ("filters", "or_filters", "current_filters"):
			yield from _filter_fields(doctype, children, value)
		else:
			for token in _IDENTIFIER.findall(cstr(value)):
				yield None, token
				for child in children:
					yield child, token


def _filter_fields(doctype: str, children: set[str], filters):
	if isinstance(filters, str):
		try:
			filters = json.loads(filters)
		except ValueError:
			yield from ((None, token) for token in _IDENTIFIER.findall(filters))
			return
	if isinstance(filters, dict):
		filters = [[key] for key in filters]
	for condition in filters or []:
		if isinstance(condition, str):
			yield from ((None, token) for token in _IDENTIFIER.findall(condition))
		elif isinstance(condition, list | tuple) and condition:
			if len(condition) >= 4 and condition[0] in children:
				yield condition[0], cstr(condition[1]).strip("`")
			elif len(condition) >= 4:
				yield None, cstr(condition[1]).strip("`")
			else:
				yield None, cstr(condition[0]).split(".")[-1].strip("`")


# -- what a record was ----------------------------------------------------------------------------------


def _normalised(value, fieldtype: str, precision: int | None = None):
	# numbers as the database keeps them (an empty Int or Float column reads back as 0, to its precision)
	if fieldtype in ("Int", "Check"):
		return cint(value)
	if fieldtype in ("Float", "Currency", "Percent", "Rating"):
		return flt(value, precision if precision is not None else 6)
	if value in (None, ""):
		return None
	if fieldtype == "Datetime":
		return get_datetime(value).replace(microsecond=0)
	if fieldtype == "Date":
		return getdate(value)
	return cstr(value)


def changed_fields(doc, fieldnames) -> list[str]:
	"""Which of ``fieldnames`` differ from the stored record (values compared by their type, so the form's
	text of a date is the date; a child table compared row by row)."""
	before = doc.get_doc_before_save()
	if not before:
		return []
	changed = []
	for fieldname in fieldnames:
		df = doc.meta.get_field(fieldname)
		if df and df.fieldtype in frappe.model.table_fields:
			if _rows(doc.get(fieldname)) != _rows(before.get(fieldname)):
				changed.append(fieldname)
		else:
			fieldtype = df.fieldtype if df else "Data"
			precision = doc.precision(fieldname) if fieldtype in frappe.model.numeric_fieldtypes else None
			if _normalised(doc.get(fieldname), fieldtype, precision) != _normalised(
				before.get(fieldname), fieldtype, precision
			):
				changed.append(fieldname)
	return changed


def _rows(rows) -> list[tuple]:
	out = []
	for row in rows or []:
		fields = [df for df in row.meta.fields if df.fieldtype not in frappe.model.no_value_fields]
		out.append(
			tuple(
				_normalised(
					row.get(df.fieldname),
					df.fieldtype,
					row.precision(df.fieldname) if df.fieldtype in frappe.model.numeric_fieldtypes else None,
				)
				for df in fields
			)
		)
	return out


def check_unchanged(doc, fieldnames, reason: str) -> None:
	"""Refuse a save by a user that changes any of ``fieldnames`` (crm_plus's own code, which saves with
	``ignore_permissions``, may). ``reason`` says why, with ``{0}`` for the field's label."""
	if doc.is_new() or doc.flags.ignore_permissions:
		return
	for fieldname in changed_fields(doc, fieldnames):
		frappe.throw(reason.format(frappe.bold(_(doc.meta.get_label(fieldname)))), frappe.ValidationError)


def check_repoint(doc, fieldname: str = "customer") -> None:
	"""A record moved to another customer needs permission on the record as it was (Frappe checks the new
	values only): nobody takes over a record of a customer they may not see by re-pointing it."""
	if doc.is_new() or doc.flags.ignore_permissions or not doc.has_value_changed(fieldname):
		return
	before = doc.get_doc_before_save()
	if before and not frappe.has_permission(doc.doctype, "write", doc=before):
		frappe.throw(
			_("You do not have permission to move this {0} from {1}.").format(
				_(doc.doctype), frappe.bold(before.get(fieldname))
			),
			frappe.PermissionError,
		)


# -- what a list shows ----------------------------------------------------------------------------------


def list_condition(doctype: str, user: str | None = None) -> str:
	"""The SQL condition ``frappe.get_list`` applies to ``doctype`` for ``user`` (role, User Permissions,
	the doctype's permission query hooks, shared documents): ``1=0`` when the user may read none of it, ``""``
	when all. For counts and charts that aggregate in SQL and must agree with the list."""
	from frappe.model.db_query import DatabaseQuery

	query = DatabaseQuery(doctype, user=user)
	try:
		condition = query.build_match_conditions()
	except frappe.PermissionError:
		return "1=0"
	# without a role, only the documents shared with the user (Frappe adds this condition separately)
	return " and ".join(f"({c})" for c in (*query.conditions, condition) if c)


def readable_customers(column: str, user: str | None = None) -> str:
	"""An SQL condition on ``column`` (a Customer link, quoted) that holds for the customers ``user`` may
	read, exactly as the Customer list gives them; ``""`` when they may read every customer."""
	condition = list_condition("Customer", user)
	if not condition:
		return ""
	if condition == "1=0":
		return condition
	return f"{column} in (select `tabCustomer`.`name` from `tabCustomer` where {condition})"


class SQLCondition(Criterion):
	"""A condition Frappe built (``list_condition``) in a ``frappe.qb`` query."""

	def __init__(self, sql: str):
		super().__init__()
		self.sql = sql

	def get_sql(self, **kwargs) -> str:
		return f"({self.sql})"


def restrict_to_list(query, doctype: str):
	"""``query`` (over ``doctype``'s table, not aliased) narrowed to the rows the user's list shows."""
	condition = list_condition(doctype)
	return query.where(SQLCondition(condition)) if condition else query


def permitted_customers() -> list[str] | None:
	"""None when the user sees every customer; else the customers they may read, exactly as the Customer
	list gives them (role, User Permissions on Territory, Customer Group, Customer..., shared customers): an
	empty list for a user who may read no customer."""
	condition = list_condition("Customer")
	if not condition:
		return None
	if condition == "1=0":
		return []
	return frappe.get_list("Customer", pluck="name", limit_page_length=0, order_by="name")
