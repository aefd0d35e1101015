"""The arithmetic of goals and KPIs: plain Python, no ``frappe`` import, unit-tested without a bench.

Queries (``kpis.py``) count and sum; everything that turns those figures into a rate, a growth, an
achievement or a score lives here, so the formulas are checked by hand-computed unit tests.
"""

RAISE = "Raise"
LOWER = "Lower"
# over-achievement counts, but one runaway goal cannot swamp the weighted score
MAX_ACHIEVEMENT = 200.0


def percent(part: float | None, whole: float | None) -> float | None:
	"""part / whole * 100; None when there is nothing to divide by."""
	if part is None or not whole:
		return None
	return 100.0 * part / whole


def ratio(part: float | None, whole: float | None) -> float | None:
	"""part / whole; None when there is nothing to divide by."""
	if part is None or not whole:
		return None
	return part / whole


def growth(current: float | None, previous: float | None) -> float | None:
	"""(current - previous) / |previous| * 100; None without a previous figure to grow from."""
	if current is None or not previous:
		return None
	return 100.0 * (current - previous) / abs(previous)


def average(total: float | None, count: int | None) -> float | None:
	return ratio(total, count)


def achievement(actual: float | None, target: float, direction: str = RAISE, baseline: float | None = None):
	"""How far a goal got, in percent (0 … ``MAX_ACHIEVEMENT``); None while there is no actual figure.

	With a baseline on the far side of the target, achievement is the progress made from the baseline:
	Raise: (actual - baseline) / (target - baseline) * 100; Lower: (baseline - actual) / (baseline - target) * 100.
	Without one (or when the target was already met at the baseline) it compares actual with target:
	Raise: actual / target * 100; Lower: target / actual * 100; 100 when the target is met exactly or
	bettered from zero.
	"""
	if actual is None:
		return None
	target = target or 0.0
	lower = direction == LOWER
	if baseline is not None and ((target < baseline) if lower else (target > baseline)):
		value = 100.0 * ((baseline - actual) if lower else (actual - baseline)) / abs(target - baseline)
	elif lower:
		value = 100.0 if actual <= target else (100.0 * target / actual if actual > 0 else 0.0)
	else:
		value = 100.0 if actual >= target else (100.0 * actual / target if target > 0 else 0.0)
	return round(min(max(value, 0.0), MAX_ACHIEVEMENT), 2)


def weighted_score(rows) -> float | None:
	"""sum(weight * achievement) / sum weight over the goals that have an achievement.

	``rows`` are (achievement, weight) pairs. When every weight is 0 the goals count equally; None when
	no goal has an achievement yet.
	"""
	scored = [(a, w or 0.0) for a, w in rows if a is not None]
	if not scored:
		return None
	total_weight = sum(w for _a, w in scored)
	if not total_weight:
		return round(sum(a for a, _w in scored) / len(scored), 2)
	return round(sum(a * w for a, w in scored) / total_weight, 2)


def weight_error(weight: float | None) -> bool:
	"""True when a goal's weight is outside 0-100."""
	return weight is not None and not 0 <= weight <= 100
