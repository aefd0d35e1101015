"""Narrow a rule to the customers of its lifecycle stages when they are few.

A rule restricted to stages (say, "follow up prospects") would otherwise aggregate the condition over
every customer and drop all but the few in its stages afterwards: on 100,000 customers the follow-up rule
counted the touchpoints of 96,000 of them to keep 5 prospects. When the customers in the rule's stages are
at most ``LIMIT``, the engine binds their names into the condition's query (``in_chunk`` in
``conditions/base.py``), so the condition reads only their rows through its customer index. When they are
more, the aggregate over everybody, filtered by stage afterwards, is the cheaper plan and nothing changes.

A customer without a Customer Relationship (or without a stage in it) is a prospect, as everywhere else.
Once a refresh of every customer has given each one a relationship, only customers modified since can lack
one: those are looked up through Customer's ``modified`` index instead of checking 100,000 customers.
"""

import frappe
from frappe.utils import add_to_date

from crm_plus.lifecycle.stage_rules import PROSPECT
from crm_plus.touchpoints import relationship

# at most this many customers are bound into a rule's query by name; more are filtered after the aggregate
LIMIT = 5000


def stage_scope(stages: tuple[str, ...], chunk_start: str | None = None, chunk_end: str | None = None):
	"""The names of the customers in ``stages`` (within the chunk), or None when there is no stage
	restriction or more than ``LIMIT`` customers fall under it. At most ``LIMIT + 1`` names are read."""
	if not stages or LIMIT <= 0:
		return None
	bounds = {"stages": stages, "start": chunk_start, "end": chunk_end, "limit": LIMIT + 1}
	chunk = "(%(start)s is null or {0} >= %(start)s) and (%(end)s is null or {0} < %(end)s)"
	names = frappe.db.sql_list(
		f"""select r.name from `tabCustomer Relationship` r
		where r.lifecycle_stage in %(stages)s and {chunk.format("r.name")}
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
			where c.disabled = 0 and {chunk.format("c.name")}
				and (%(since)s is null or c.modified >= %(since)s)
				and not exists (select 1 from `tabCustomer Relationship` r
					where r.name = c.name and r.lifecycle_stage is not null and r.lifecycle_stage != '')
			limit %(limit)s""",
			bounds,
		)
	return names if len(names) <= LIMIT else None
