"""Run lifecycle rules: one set-based match per rule, alerts written set-wise, actions for new alerts only.

For each rule the condition's query runs once over all customers (or one chunk of customer names), the
rule's stage, group, territory, revenue and cooldown restrictions are applied in the same SQL statement
(a rule whose stages, group or territory hold few customers reads only theirs: ``scope.py``),
and the matches are inserted as Lifecycle Alerts in multi-row INSERTs that skip duplicates of the unique
key (rule, customer, window_start). Only the rows this run really inserted (marked with its run token)
get an action, so a repeated run, or a second worker running at the same time, acts on nothing twice.

Scheduling: day-based conditions run daily, hour-based ones hourly (``scheduler_events``). A site with
more customers than ``lifecycle_chunk_size`` is split into ranges of customer names, each a job on the
long queue: more RQ workers, more throughput.
"""

import json
from collections.abc import Callable
from string import Formatter

import frappe
from frappe import _
from frappe.utils import add_days, date_diff, getdate, now_datetime

from crm_plus import labels
from crm_plus.lifecycle import actions, stages
from crm_plus.lifecycle.conditions import get_condition
from crm_plus.lifecycle.conditions.base import DAILY, HOURLY
from crm_plus.lifecycle.scope import in_tree, rule_scope
from crm_plus.lifecycle.stage_rules import CHURNED, PROSPECT
from crm_plus.touchpoints import chunks

DEFAULT_CHUNK = 20000
INSERT_BATCH = 1000
EPOCH = getdate("2000-01-01")

ALERT_COLUMNS = (
	"rule",
	"customer",
	"matched_on",
	"window_start",
	"condition",
	"explanation",
	"facts",
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
	return chunks.name_ranges("Customer", size)


def run_rule(
	rule,
	chunk_start: str | None = None,
	chunk_end: str | None = None,
	progress: Callable[[int, int], None] | None = None,
) -> list[str]:
	"""Alert the customers the rule matches now and act on the new alerts; returns their names.

	The match is one plain SELECT (a consistent read: no locks on ERPNext's tables); alerts are then
	inserted, announced and acted on ``INSERT_BATCH`` at a time, each batch committed (see ``chunks.py``).
	``progress(done, total)`` is called after each batch (e.g. to ``frappe.publish_progress`` from a job).
	"""
	rule = frappe.get_doc("Lifecycle Rule", rule) if isinstance(rule, str) else rule
	rows = matches(rule, chunk_start, chunk_end)
	by_customer = {row.customer: row for row in rows}
	names = []
	for done, batch in enumerate(chunks.batches(rows, INSERT_BATCH), start=1):
		token = frappe.generate_hash(length=16)
		insert_alerts(rule, batch, token)
		new = frappe.get_all(
			"Lifecycle Alert",
			filters={"run_token": token},
			fields=["name", "customer", "facts", "matched_values"],
			order_by="name asc",
		)
		matched = [by_customer[alert.customer] for alert in new]
		# the text with amounts only where it goes out (an e-mail to a reader of amounts)
		explain(rule, matched, with_money=rule.action == actions.SEND_EMAIL)
		for alert, row in zip(new, matched, strict=True):
			alert.explanation, alert.public_explanation = row.explanation, row.public_explanation
		announce(new)
		actions.apply(rule, new)
		chunks.commit()
		names += [a.name for a in new]
		if progress:
			progress(min(done * INSERT_BATCH, len(rows)), len(rows))
	return names


def announce(alerts: list[dict]) -> None:
	"""Alerts are inserted in bulk, so Frappe's insert events are raised here, once per new alert: the
	Notifications ("New"), Webhooks ("after_insert"), server scripts and doc_events configured on
	Lifecycle Alert fire as they would for ``doc.insert()``. Costs nothing when none is configured."""
	if not alerts or not _listens_to_new_alerts():
		return
	for alert in alerts:
		doc = frappe.get_doc("Lifecycle Alert", alert.name)
		doc.flags.in_insert = True
		doc.run_method("after_insert")


def _listens_to_new_alerts() -> bool:
	doctype = "Lifecycle Alert"
	hooks = frappe.get_hooks("doc_events")
	return bool(
		any((hooks.get(key) or {}).get("after_insert") for key in (doctype, "*"))
		or frappe.get_all(
			"Notification", filters={"document_type": doctype, "enabled": 1, "event": "New"}, limit=1
		)
		or frappe.get_all(
			"Webhook",
			filters={"webhook_doctype": doctype, "enabled": 1, "webhook_docevent": "after_insert"},
			limit=1,
		)
		or frappe.get_all(
			"Server Script",
			filters={"reference_doctype": doctype, "disabled": 0, "doctype_event": "After Insert"},
			limit=1,
		)
	)


def preview(rule, with_money: bool = True) -> list[dict]:
	"""What ``run_rule`` would alert now, and why, with each customer's stage; writes nothing. Without
	``with_money`` the amounts of money are left out of the values and of the explanation."""
	return preview_page(rule, with_money)[1]


def preview_page(
	rule, with_money: bool = True, limit: int | None = None, customers: list[str] | None = None
) -> tuple[int, list[dict]]:
	"""(how many customers match, the first ``limit`` of them as ``preview`` shows them), of ``customers``
	only when given (the ones the user may read)."""
	rows = matches(rule)
	if customers is not None:
		readable = set(customers)
		rows = [row for row in rows if row.customer in readable]
	total, rows = len(rows), rows[:limit]
	stage_of = (
		dict(
			frappe.get_all(
				"Customer Relationship",
				filters={"name": ("in", [row.customer for row in rows])},
				fields=["name", "lifecycle_stage"],
				as_list=True,
			)
		)
		if rows
		else {}
	)
	condition = get_condition(rule.condition)
	explain(rule, rows, with_money)
	for row in rows:
		row.lifecycle_stage = stage_of.get(row.customer) or PROSPECT
		if not with_money:
			for key in condition.money:
				row.pop(key, None)
		row.pop("public_explanation", None)
	return total, rows


def matches(rule, chunk_start: str | None = None, chunk_end: str | None = None) -> list[dict]:
	"""Customers the rule matches now (cooldown honoured), each with the condition's values and the
	explanation without amounts (``public_explanation``, which the alert stores). ``explain`` adds the one
	with amounts to the rows that need it (a preview, an e-mail)."""
	query, params = match_query(rule, chunk_start, chunk_end)
	rows = frappe.db.sql(query, params, as_dict=True)
	rows.sort(key=_customer)  # in customer order, as the batches of a run take them
	condition = get_condition(rule.condition)
	public = _bind(_(condition.template(False)), rule.parameter_values(), rows)
	shown = labels.translator(rows[0] if rows else ())  # a segment or NPS category in the text's language
	for row in rows:
		row.public_explanation = public.format_map(shown(row))
	return rows


def explain(rule, rows: list[dict], with_money: bool = True) -> None:
	"""Set ``explanation`` on matched rows: with amounts when ``with_money``, else the public text."""
	condition = get_condition(rule.condition)
	if not with_money or not condition.money:
		for row in rows:
			row.explanation = row.public_explanation
		return
	template = _bind(_(condition.template(True)), rule.parameter_values(), rows)
	shown = labels.translator(rows[0] if rows else ())
	for row in rows:
		row.explanation = template.format_map(shown(row))


def _bind(template: str, parameters: dict, rows: list[dict]) -> str:
	"""The template with the rule's parameters written in (a row's own value of the same name wins), so
	each row is formatted with its own values only."""
	columns = set(rows[0]) if rows else set()
	parts = []
	for literal, field, spec, conversion in Formatter().parse(template):
		parts.append(_brace(literal))
		if field is None:
			continue
		if field in parameters and field not in columns:
			value = parameters[field]
			value = repr(value) if conversion == "r" else str(value) if conversion == "s" else value
			parts.append(_brace(format(value, spec or "")))
		else:
			parts.append(
				"{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
			)
	return "".join(parts)


def _brace(text: str) -> str:
	return text.replace("{", "{{").replace("}", "}}")


def _customer(row) -> str:
	return row.customer


def match_query(rule, chunk_start: str | None = None, chunk_end: str | None = None) -> tuple[str, dict]:
	"""The one statement (and its bound values) that finds the customers the rule matches now."""
	condition = get_condition(rule.condition)
	values = rule.parameter_values()
	now = now_datetime()
	rule_stages = tuple(row.lifecycle_stage for row in rule.stages)
	scope = rule_scope(rule, chunk_start, chunk_end)
	params = {
		**values,
		"today": getdate(now),
		"now": now,
		"company": rule.company or None,
		"chunk_start": chunk_start,
		"chunk_end": chunk_end,
		"rule_name": rule.name,
		"rule_stages": rule_stages,
		# the few customers the rule's stages, group or territory allow, bound into the condition; or
		# everybody ("" is no name)
		"scoped": int(scope is not None),
		"scope": tuple(scope or ("",)),
		"rule_group": rule.customer_group,
		"rule_territory": rule.territory,
		"rule_min_revenue": rule.min_lifetime_revenue or 0,
		"cooldown_from": add_days(now, -int(rule.cooldown_days or 1)),
	}
	where = ["c.disabled = 0"]
	if params["rule_stages"]:
		where.append("coalesce(nullif(r.lifecycle_stage, ''), 'Prospect') in %(rule_stages)s")
	else:
		# a rule for every stage leaves churned customers alone (no follow-up, no overdue reminder for a
		# customer who has gone): a rule meant for them names the stage Churned among its stages
		where.append("coalesce(r.lifecycle_stage, '') != %(churned)s")
		params["churned"] = CHURNED
	if rule.customer_group:
		where.append(in_tree("c.customer_group", "Customer Group", "rule_group"))
	if rule.territory:
		where.append(in_tree("c.territory", "Territory", "rule_territory"))
	if rule.min_lifetime_revenue:
		where.append("coalesce(r.lifetime_revenue, 0) >= %(rule_min_revenue)s")
	# the relationship, for the rule's stages (or to leave out the churned): a primary-key lookup per
	# matched customer
	relationship = "left join `tabCustomer Relationship` r on r.name = m.customer"
	where.append(
		"""not exists (select 1 from `tabLifecycle Alert` a
			where a.rule = %(rule_name)s and a.customer = m.customer and a.matched_on > %(cooldown_from)s)"""
	)
	# The condition's aggregate runs once, over its own index, and only the customers it matched are looked
	# up (straight_join). Left to itself, MariaDB re-runs a grouped condition once per customer ("lateral
	# derived", split_materialized) or groups it through a temporary table instead of streaming it from its
	# index: both several times slower on a large site. Only the condition's own values come back (no name,
	# no stage: ``preview`` adds the stage for the rows it shows), sorted in Python, which is cheaper than
	# a sort in the database.
	query = f"""
		set statement optimizer_switch = 'split_materialized=off' for
		select straight_join m.*
		from ({condition.query(rule.company, values)}) m
		join `tabCustomer` c on c.name = m.customer
		{relationship}
		where {" and ".join(where)}
		"""
	return query, params


def window_start(day, cooldown_days: int):
	"""First day of the cooldown window holding ``day``: the key that makes a duplicate alert impossible."""
	days = max(int(cooldown_days or 1), 1)
	return add_days(EPOCH, date_diff(day, EPOCH) // days * days)


def insert_alerts(rule, rows: list[dict], token: str) -> None:
	"""Insert one alert per row; a row whose (rule, customer, window) exists already is skipped.

	The condition and its arguments are stored: amounts of money in ``matched_values`` (permlevel 1),
	every other value in ``facts``; the alert's form renders the explanation from them in the reader's
	language, with the amounts when the reader may read them. ``explanation`` holds the text without
	amounts in the site's language, for lists, reports and ToDos."""
	condition = get_condition(rule.condition)
	parameters = rule.parameter_values()
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
					rule.condition,
					row.public_explanation,
					*_stored_values(condition, parameters, row),
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


def _stored_values(condition, parameters: dict, row: dict) -> tuple[str, str]:
	"""(facts, amounts) as JSON: the parameters and the row's values, amounts of money apart."""
	values = {
		**parameters,
		**{k: v for k, v in row.items() if k not in ("customer", "explanation", "public_explanation")},
	}
	facts, money = condition.split(values)
	return json.dumps(facts, default=str), json.dumps(money, default=str)
