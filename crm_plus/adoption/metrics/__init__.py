"""The registry of adoption metrics: every module in this package that defines ``METRIC``."""

import importlib
import pkgutil
from functools import cache

import frappe

from crm_plus.adoption.metrics.base import Metric


@cache
def registry() -> dict[str, Metric]:
	found = {}
	for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
		metric = getattr(importlib.import_module(f"{__name__}.{module}"), "METRIC", None)
		if isinstance(metric, Metric):
			found[metric.key] = metric
	return found


def get_metric(key: str | None) -> Metric | None:
	return registry().get(key or "")


def available(metric: Metric) -> bool:
	"""Whether every doctype the metric reads exists on this site yet."""
	return all(frappe.db.table_exists(doctype) for doctype in metric.requires)


def compute(key: str, users: list[str], start, end, offset: int = 0) -> dict[str, float]:
	"""``{user: value}`` of metric ``key`` for ``users`` (sharing one time zone) over [start, end)."""
	metric = registry()[key]
	if not users or not available(metric):
		return {}
	sql = metric.query()
	if not sql:
		return {}
	rows = frappe.db.sql(sql, {"users": tuple(users), "start": start, "end": end, "offset": int(offset)})
	return {user: float(value or 0) for user, value in rows}
