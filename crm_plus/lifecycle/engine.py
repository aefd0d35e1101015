"""Run lifecycle rules: one set-based match per rule, alerts written set-wise, actions for new alerts only.

For each rule the condition's query runs once over all customers (or one chunk of customer names), the
rule's stage, group, territory, revenue and cooldown restrictions are applied in the same SQL statement,
and the matches are inserted as Lifecycle Alerts in multi-row INSERTs that skip duplicates of the unique
key (rule, customer, window_start). Only the rows this run really inserted (marked with its run token)
get an action, so a repeated run, or a second worker running at the same time, acts on nothing twice.

Scheduling: day-based conditions run daily, hour-based ones hourly (``scheduler_events``). A site with
more customers than ``lifecycle_chunk_size`` is split into ranges of customer names, each a job on the
long queue: more RQ workers, more throughput.
"""

import json
from itertools import pairwise

import frappe
from frappe import _
from frappe.utils import add_days, date_diff, getdate, now_datetime

from crm_plus.lifecycle import actions, stages
from crm_plus.lifecycle.conditions import get_condition
from crm_plus.lifecycle.conditions.base import DAILY, HOURLY

DEFAULT_CHUNK = 20000
INSERT_BATCH = 1000
EPOCH = getdate("2000-01-01")

ALERT_COLUMNS = (
	"rule",
	"customer",
	"matched_on",
	"window_start",
	"explanation",
	"matched_values",
	"action",
	"stage_set",
	"status",
	"run_token",
	"owner",
	"modified_by",
	"creation",
	"modified",
	"docstatus",
	"idx",
)


def daily():
	"""Scheduler entry point (daily_long): stages move with the calendar, then the day-based rules."""
	if _enabled():
		stages.update_stages(None)
		_run_scheduled(DAILY)


def hourly():
	"""Scheduler entry point (hourly_long): the hour-based rules."""
	if _enabled():
		_run_scheduled(HOURLY)


def _enabled() -> bool:
	return not frappe.get_cached_doc("CRM Plus Settings").pause_lifecycle_rules


def _run_scheduled(frequency: str):
	for name in frappe.get_all("Lifecycle Rule", filters={"enabled": 1}, pluck="name", order_by="name"):
		condition = get_condition(frappe.db.get_value("Lifecycle Rule", name, "condition"))
		if condition and condition.frequency == frequency:
			enqueue_rule(name)


def enqueue_rule(rule: str, chunk_size: int | None = None) -> dict:
	"""Run a rule now on a small site; on a large one queue one long job per range of customers."""
	chunks = customer_chunks(chunk_size or _chunk_size())
	if len(chunks) == 1:
		return {"alerts": run_rule(rule)}
	for start, end in chunks:
		frappe.enqueue(
			"crm_plus.lifecycle.engine.run_rule",
			queue="long",
			job_id=f"crm_plus:lifecycle:{rule}:{start or ''}",
			deduplicate=True,
			enqueue_after_commit=True,
			rule=rule,
			chunk_start=start,
			chunk_end=end,
		)
	return {"queued": len(chunks)}


def _chunk_size() -> int:
	return frappe.get_cached_doc("CRM Plus Settings").lifecycle_chunk_size or DEFAULT_CHUNK


def customer_chunks(size: int) -> list[tuple[str | None, str | None]]:
	"""Ranges [start, end) of customer names, ``size`` customers each; one query for all boundaries."""
	bounds = frappe.db.sql(
		"""
		select name from (
			select name, row_number() over (order by name) as position from `tabCustomer`
		) c
		where c.position > 1 and mod(c.position - 1, %(size)s) = 0
		order by name
		""",
		{"size": max(int(size), 1)},
		pluck=True,
	)
	edges = [None, *bounds, None]
	return list(pairwise(edges))


def run_rule(rule, chunk_start: str | None = None, chunk_end: str | None = None) -> list[str]:
	"""Alert the customers the rule matches now and act on the new alerts; returns their names."""
	rule = frappe.get_doc("Lifecycle Rule", rule) if isinstance(rule, str) else rule
	rows = matches(rule, chunk_start, chunk_end)
	if not rows:
		return []
	token = frappe.generate_hash(length=16)
	insert_alerts(rule, rows, token)
	new = frappe.get_all(
		"Lifecycle Alert",
		filters={"run_token": token},
		fields=["name", "customer", "explanation", "matched_values"],
		order_by="name asc",
	)
	actions.apply(rule, new)
	return [a.name for a in new]


def preview(rule) -> list[dict]:
	"""What ``run_rule`` would alert now, and why; writes nothing."""
	return matches(rule)


def matches(rule, chunk_start: str | None = None, chunk_end: str | None = None) -> list[dict]:
	"""Customers the rule matches now (cooldown honoured), each with the values and the explanation."""
	condition = get_condition(rule.condition)
	values = rule.parameter_values()
	now = now_datetime()
	params = {
		**values,
		"today": getdate(now),
		"now": now,
		"company": rule.company or None,
		"chunk_start": chunk_start,
		"chunk_end": chunk_end,
		"rule_name": rule.name,
		"rule_stages": tuple(row.lifecycle_stage for row in rule.stages),
		"rule_group": rule.customer_group,
		"rule_territory": rule.territory,
		"rule_min_revenue": rule.min_lifetime_revenue or 0,
		"cooldown_from": add_days(now, -int(rule.cooldown_days or 1)),
	}
	where = ["c.disabled = 0"]
	if params["rule_stages"]:
		where.append("coalesce(nullif(r.lifecycle_stage, ''), 'Prospect') in %(rule_stages)s")
	if rule.customer_group:
		where.append(_in_tree("c.customer_group", "Customer Group", "rule_group"))
	if rule.territory:
		where.append(_in_tree("c.territory", "Territory", "rule_territory"))
	if rule.min_lifetime_revenue:
		where.append("coalesce(r.lifetime_revenue, 0) >= %(rule_min_revenue)s")
	where.append(
		"""not exists (select 1 from `tabLifecycle Alert` a
			where a.rule = %(rule_name)s and a.customer = m.customer and a.matched_on > %(cooldown_from)s)"""
	)
	rows = frappe.db.sql(
		f"""
		select m.*, c.customer_name, coalesce(nullif(r.lifecycle_stage, ''), 'Prospect') as lifecycle_stage
		from ({condition.sql}) m
		join `tabCustomer` c on c.name = m.customer
		left join `tabCustomer Relationship` r on r.name = m.customer
		where {" and ".join(where)}
		order by m.customer
		""",
		params,
		as_dict=True,
	)
	template = _(condition.explanation)
	for row in rows:
		row.explanation = condition.explain(values, row, template)
	return rows


def _in_tree(column: str, doctype: str, param: str) -> str:
	"""The value or any of its descendants in a nested-set tree (Customer Group, Territory)."""
	return f"""{column} in (
		select child.name from `tab{doctype}` child
		join `tab{doctype}` parent on child.lft >= parent.lft and child.rgt <= parent.rgt
		where parent.name = %({param})s)"""


def window_start(day, cooldown_days: int):
	"""First day of the cooldown window holding ``day``: the key that makes a duplicate alert impossible."""
	days = max(int(cooldown_days or 1), 1)
	return add_days(EPOCH, date_diff(day, EPOCH) // days * days)


def insert_alerts(rule, rows: list[dict], token: str) -> None:
	"""Insert one alert per row; a row whose (rule, customer, window) exists already is skipped."""
	now = now_datetime()
	window = window_start(getdate(now), rule.cooldown_days)
	stage_set = rule.target_stage if rule.action == actions.SET_STAGE else None
	columns = ", ".join(f"`{c}`" for c in ("name", *ALERT_COLUMNS))
	one = "(nextval(`lifecycle_alert_id_seq`), " + ", ".join(["%s"] * len(ALERT_COLUMNS)) + ")"
	for start in range(0, len(rows), INSERT_BATCH):
		batch = rows[start : start + INSERT_BATCH]
		values = []
		for row in batch:
			values.extend(
				(
					rule.name,
					row.customer,
					now,
					window,
					row.explanation,
					json.dumps(_matched_values(row), default=str),
					rule.action,
					stage_set,
					"Open",
					token,
					frappe.session.user,
					frappe.session.user,
					now,
					now,
					0,
					0,
				)
			)
		frappe.db.sql(
			f"insert into `tabLifecycle Alert` ({columns}) values {', '.join([one] * len(batch))} "  # nosemgrep
			"on duplicate key update `tabLifecycle Alert`.`idx` = `tabLifecycle Alert`.`idx`",
			values,
		)


def _matched_values(row: dict) -> dict:
	return {k: v for k, v in row.items() if k not in ("customer", "customer_name", "explanation")}
