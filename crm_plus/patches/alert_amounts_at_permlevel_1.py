"""Lifecycle Alerts written before amounts moved to permlevel 1: split their matched values into facts
(permlevel 0) and amounts (permlevel 1), record their condition, and store their explanation without
amounts (the form renders it with them for those who may read amounts)."""

import json

import frappe

from crm_plus.lifecycle.conditions import get_condition
from crm_plus.touchpoints import chunks


def execute():
	alert = frappe.qb.DocType("Lifecycle Alert")
	rule = frappe.qb.DocType("Lifecycle Rule")
	rows = (
		frappe.qb.from_(alert)
		.join(rule)
		.on(rule.name == alert.rule)
		.select(alert.name, rule.name.as_("rule"), rule.condition, alert.matched_values, alert.explanation)
		.where(alert.facts.isnull())
	).run(as_dict=True)
	parameters = {}
	updates = []
	for row in rows:
		condition = get_condition(row.condition)
		if not condition:
			continue
		if row.rule not in parameters:
			parameters[row.rule] = frappe.get_doc("Lifecycle Rule", row.rule).parameter_values()
		values = {**parameters[row.rule], **json.loads(row.matched_values or "{}")}
		facts, money = condition.split(values)
		explanation = row.explanation
		if condition.money:
			try:
				explanation = condition.template(False).format(**values)
			except (KeyError, IndexError, ValueError):
				explanation = ""
		updates.append(
			(
				row.name,
				row.condition,
				json.dumps(facts, default=str),
				json.dumps(money, default=str),
				explanation,
			)
		)
	for batch in chunks.batches(updates, 1000):
		one = "(%s, %s, %s, %s, %s)"
		frappe.db.sql(
			f"""insert into `tabLifecycle Alert` (name, `condition`, facts, matched_values, explanation)
			values {", ".join([one] * len(batch))}
			on duplicate key update `condition` = values(`condition`), facts = values(facts),
				matched_values = values(matched_values), explanation = values(explanation)""",  # nosemgrep
			[v for row in batch for v in row],
		)
