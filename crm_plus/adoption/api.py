"""Whitelisted calls of the adoption forms."""

import frappe
from frappe import _

from crm_plus.adoption import metrics


@frappe.whitelist()
def metric_options() -> list[dict]:
	"""The metric registry, for the program form: key, label, description, default target, and whether
	it can count anything on this site yet."""
	frappe.has_permission("CRM Adoption Program", "read", throw=True)
	return [
		{
			"key": m.key,
			"label": _(m.label),
			"description": _(m.description),
			"default_target": m.default_target,
			"available": metrics.available(m),
		}
		for m in metrics.registry().values()
	]
