"""Narrow a rule to the few customers its stages, customer group and territory allow.

A rule restricted to stages (say, "follow up prospects") or to a customer group or territory would
otherwise aggregate the condition over every customer and drop all the others afterwards: on 100,000
customers the follow-up rule counted the touchpoints of 96,000 of them to keep 5 prospects. When a
restriction holds at most ``LIMIT`` customers, the engine binds the names of the customers that all such
restrictions allow into the condition's query (``in_chunk`` in ``conditions/base.py``), so the condition
reads only their rows through its customer index; every restriction still applies afterwards as before.
When each holds more, the aggregate over everybody, filtered afterwards, is the cheaper plan and nothing
changes.

A customer without a Customer Relationship (or without a stage in it) is a prospect, as everywhere else.
Once a refresh of every customer has given each one a relationship, only customers modified since can lack
one: those are looked up through Customer's ``modified`` index instead of checking 100,000 customers.
"""

import frappe
from frappe.utils import add_to_date

from crm_plus.lifecycle.conditions.base import in_range
from crm_plus.lifecycle.stage_rules import PROSPECT
from crm_plus.touchpoints import relationship

# at most this many customers are bound into a rule's query by name; more are filtered after the aggregate
LIMIT = 5000


def rule_scope(rule, chunk_start: str | None = None, chunk_end: str | None = None) -> list[str] | None:
	"""The customers (within the chunk) allowed by every one of the rule's stage, customer group and
	territory restrictions that holds at most ``LIMIT`` customers; None when none does. Each restriction is
	read at most ``LIMIT + 1`` names far."""
	bounds = {"chunk_start": chunk_start, "chunk_end": chunk_end}
	stages = tuple(row.lifecycle_stage for row in rule.stages)
	found = []
	if stages:
		found.append(in_stages(stages, bounds))
	for field, doctype in (("customer_group", "Customer Group"), ("territory", "Territory")):
		value = rule.get(field)
		# the root of the tree (the form's default "All Customer Groups") restricts nobody
		if value and frappe.db.get_value(doctype, value, f"parent_{field}"):
			found.append(in_tree_customers(field, doctype, value, bounds))
	few = sorted((names for names in found if len(names) <= LIMIT), key=len)
	if not few:
		return None
	others = [set(names) for names in few[1:]]
	return [name for name in few[0] if all(name in other for other in others)]


def in_stages(stages: tuple[str, ...], bounds: dict) -> list[str]:
	"""Customers in ``stages``, at most ``LIMIT + 1`` of them."""
	bounds = {**bounds, "stages": stages, "limit": LIMIT + 1}
	names = frappe.db.sql_list(
		f"""select r.name from `tabCustomer Relationship` r
		where r.lifecycle_stage in %(stages)s and {in_range("r.name")}
		limit %(limit)s""",
		bounds,
	)
	if PROSPECT in stages and len(names) <= LIMIT:
		bounds["limit"] = LIMIT + 1 - len(names)
		# customers without a relationship: after a refresh of everybody, only those modified since can be
		# (a transaction open while it ran is given an hour's margin)
		since = relationship.complete_since()
		bounds["since"] = add_to_date(since, hours=-1) if since else None
		names += frappe.db.sql_list(
			f"""select c.name from `tabCustomer` c
			where c.disabled = 0 and {in_range("c.name")}
				and (%(since)s is null or c.modified >= %(since)s)
				and not exists (select 1 from `tabCustomer Relationship` r
					where r.name = c.name and r.lifecycle_stage is not null and r.lifecycle_stage != '')
			limit %(limit)s""",
			bounds,
		)
	return names


def in_tree_customers(field: str, doctype: str, value: str, bounds: dict) -> list[str]:
	"""Customers whose ``field`` is ``value`` or one of its descendants, at most ``LIMIT + 1`` of them."""
	return frappe.db.sql_list(
		f"""select c.name from `tabCustomer` c
		where {in_tree("c." + field, doctype, "value")} and {in_range("c.name")}
		limit %(limit)s""",
		{**bounds, "value": value, "limit": LIMIT + 1},
	)


def in_tree(column: str, doctype: str, param: str) -> str:
	"""The value or any of its descendants in a nested-set tree (Customer Group, Territory)."""
	return f"""{column} in (
		select child.name from `tab{doctype}` child
		join `tab{doctype}` parent on child.lft >= parent.lft and child.rgt <= parent.rgt
		where parent.name = %({param})s)"""
