"""Lifecycle stages for every customer at once, and their history.

``update_stages`` runs after each relationship refresh (hook ``crm_plus_after_refresh``) and daily, as
stages move with the calendar. It applies ``stage_rules.decide_stage`` as one SQL CASE over Customer
Relationship (read with a plain SELECT, a range of customers per chunk), writes a Customer Stage Change row
for every customer whose stage differs, then updates the stage, committing per chunk when it runs over all
customers. A second run finds nothing different and writes nothing: the history is idempotent.

A rule flags a customer (normally At Risk) through an open Lifecycle Alert carrying ``stage_set``; the
flag holds until the alert is resolved, or the customer buys again, or churns.
"""

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from crm_plus.lifecycle.stage_rules import CHURNED, MAINTENANCE, NURTURING, PROSPECT
from crm_plus.touchpoints import chunks

# the latest open flag of each customer
_FLAGS = """
	select f.customer, f.stage_set, f.rule, f.name as alert, f.matched_on
	from (
		select a.customer, a.stage_set, a.rule, a.name, a.matched_on,
			row_number() over (partition by a.customer order by a.matched_on desc, a.name desc) as latest
		from `tabLifecycle Alert` a
		where a.status = 'Open' and coalesce(a.stage_set, '') != '' {customers}
	) f
	where f.latest = 1
"""

_FLAGGED = "f.customer is not null and date(f.matched_on) >= r.last_purchase_date"

# stage_rules.decide_stage, in SQL: keep both in step
_STAGE = f"""
	case
		when r.invoice_count = 0 or r.first_purchase_date is null or r.last_purchase_date is null
			then '{PROSPECT}'
		when datediff(%(today)s, r.last_purchase_date) >= %(churn_days)s then '{CHURNED}'
		when {_FLAGGED} then f.stage_set
		when datediff(%(today)s, r.first_purchase_date) < %(nurturing_days)s or r.invoice_count < 2
			then '{NURTURING}'
		else '{MAINTENANCE}'
	end
"""

_REASON = f"""
	case
		when r.invoice_count = 0 or r.first_purchase_date is null or r.last_purchase_date is null
			then %(reason_prospect)s
		when datediff(%(today)s, r.last_purchase_date) >= %(churn_days)s then %(reason_churned)s
		when {_FLAGGED} then %(reason_flagged)s
		when datediff(%(today)s, r.first_purchase_date) < %(nurturing_days)s then %(reason_new)s
		when r.invoice_count < 2 then %(reason_once)s
		else %(reason_repeat)s
	end
"""


def update_stages(customers: Iterable[str] | None = None, as_of=None) -> int:
	"""Recompute the stage of the given customers (all when None, a range of names per chunk, committing
	per chunk); returns how many changed."""
	if customers is None:
		changed = 0
		for start, end in chunks.name_ranges("Customer Relationship", chunks.CHUNK):
			changed += _update(_params(as_of, start=start, end=end))
			chunks.commit()
		return changed
	customers = tuple(sorted({c for c in customers if c}))
	return _update(_params(as_of, customers=customers)) if customers else 0


def _params(as_of, customers=None, start=None, end=None) -> dict:
	settings = frappe.get_cached_doc("CRM Plus Settings")
	nurturing, churn = settings.nurturing_days or 90, settings.churn_days or 365
	return {
		"customers": customers,
		"start": start,
		"end": end,
		"today": getdate(as_of),
		"now": now_datetime(),
		"nurturing_days": nurturing,
		"churn_days": churn,
		"reason_prospect": _("No purchase yet"),
		"reason_churned": _("No purchase for {0} days or more").format(churn),
		"reason_flagged": _("Flagged by a lifecycle rule"),
		"reason_new": _("First purchase less than {0} days ago").format(nurturing),
		"reason_once": _("Bought once, not yet a repeat customer"),
		"reason_repeat": _("Repeat customer"),
	}


def _in(column: str, params: dict) -> str:
	if params["customers"] is not None:
		return f"and {column} in %(customers)s"
	return f"and (%(start)s is null or {column} >= %(start)s) and (%(end)s is null or {column} < %(end)s)"


def _update(params: dict) -> int:
	"""Read the changed stages with a plain SELECT, then write the history rows and the new stages."""
	return write_changes(read_changes(params), params["now"])


def read_changes(params: dict) -> list[tuple]:
	"""(customer, stage now, new stage, reason, rule, alert) of every customer whose stage differs."""
	flags = _FLAGS.format(customers=_in("a.customer", params))
	changes = frappe.db.sql(
		f"""
		select r.name, r.lifecycle_stage, {_STAGE} as to_stage, {_REASON} as reason,
			case when {_FLAGGED} then f.rule end as rule,
			case when {_FLAGGED} then f.alert end as alert
		from `tabCustomer Relationship` r
		left join ({flags}) f on f.customer = r.name
		where not (r.lifecycle_stage <=> {_STAGE}) {_in("r.name", params)}
		""",
		params,
	)
	return list(changes)


def write_changes(changes: list[tuple], now) -> int:
	"""Write the history rows and the new stages of the customers still at the stage they were read at.

	The read was a plain SELECT, so a second update running at the same time (the nightly run and the
	refresh after a submit) may have read the same change: the relationships are locked (crm_plus's own
	rows, never ERPNext's) and re-read, and a change another run has made meanwhile is left out, so the
	history holds each change once."""
	if not changes:
		return 0
	relationship = frappe.qb.DocType("Customer Relationship")
	current = {}
	for batch in chunks.batches([change[0] for change in changes], 1000):
		current.update(
			frappe.qb.from_(relationship)
			.select(relationship.name, relationship.lifecycle_stage)
			.where(relationship.name.isin(batch))
			.for_update()
			.run()
		)
	changes = [c for c in changes if c[0] in current and (current[c[0]] or None) == (c[1] or None)]
	if not changes:
		return 0
	one = "(nextval(`customer_stage_change_id_seq`), %s, %s, %s, %s, %s, %s, %s, 'Administrator', 'Administrator', %s, %s, 0, 0)"
	for batch in chunks.batches(changes, 1000):
		frappe.db.sql(
			f"""insert into `tabCustomer Stage Change`
				(name, customer, from_stage, to_stage, changed_on, reason, rule, alert,
				owner, modified_by, creation, modified, docstatus, idx)
			values {", ".join([one] * len(batch))}""",  # nosemgrep: placeholders only, values bound
			[
				v
				for name, old, new, reason, rule, alert in batch
				for v in (name, old, new, now, reason, rule, alert, now, now)
			],
		)
	by_stage: dict[str, list[str]] = {}
	for name, _old, new, *_rest in changes:
		by_stage.setdefault(new, []).append(name)
	for stage, names in by_stage.items():
		for batch in chunks.batches(names, 1000):
			frappe.qb.update(relationship).set(relationship.lifecycle_stage, stage).where(
				relationship.name.isin(batch)
			).run()
	return len(changes)
