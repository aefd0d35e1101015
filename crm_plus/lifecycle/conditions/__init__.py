"""The registry of lifecycle conditions: every module in this package that defines ``CONDITION``."""

import importlib
import pkgutil
from functools import cache

from crm_plus.lifecycle.conditions.base import Condition


@cache
def registry() -> dict[str, Condition]:
	found = {}
	for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
		condition = getattr(importlib.import_module(f"{__name__}.{module}"), "CONDITION", None)
		if isinstance(condition, Condition):
			found[condition.key] = condition
	return found


def get_condition(key: str | None) -> Condition | None:
	return registry().get(key or "")
