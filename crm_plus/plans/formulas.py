"""The arithmetic of goals and KPIs: plain Python, no ``frappe`` import, unit-tested without a bench.

Queries (``kpis.py``) count and sum; everything that turns those figures into a rate, a growth, an
achievement or a score lives here, so the formulas are checked by hand-computed unit tests.
"""

RAISE = "Raise"
LOWER = "Lower"
# what a goal's written target covers
EACH_PERIOD = "Each Evaluation Period"
WHOLE_PLAN = "Whole Plan"
# how an evaluation measures a goal's achievement
FROM_BASELINE = "Progress from Baseline"
AGAINST_TARGET = "Actual against Target"
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
	bettered (measured against the target, meeting it is all a goal can do).
	"""
	value = unbounded_achievement(actual, target, direction, baseline)
	if value is None:
		return None
	return round(min(max(value, 0.0), MAX_ACHIEVEMENT), 2)


def unbounded_achievement(
	actual: float | None, target: float, direction: str = RAISE, baseline: float | None = None
) -> float | None:
	"""``achievement`` before it is kept within 0 … ``MAX_ACHIEVEMENT`` (an evaluation explains both)."""
	if actual is None:
		return None
	target = target or 0.0
	if uses_baseline(target, direction, baseline):
		lower = direction == LOWER
		return 100.0 * ((baseline - actual) if lower else (actual - baseline)) / abs(target - baseline)
	if direction == LOWER:
		return 100.0 if actual <= target else (100.0 * target / actual if actual > 0 else 0.0)
	return 100.0 if actual >= target else (100.0 * actual / target if target > 0 else 0.0)


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


def scaled(value: float, days: int, of_days: int) -> float:
	"""``value`` measured (or set) over ``of_days`` days, scaled to ``days`` days."""
	return value * days / of_days if of_days else value


def evaluation_target(
	target: float,
	additive: bool,
	target_for: str,
	evaluated_days: int,
	period_days: int,
	plan_days: int,
) -> tuple[float, int | None]:
	"""(the target an evaluation of ``evaluated_days`` compares with, the days the written target covers;
	None when it is not scaled).

	A KPI that adds up over time (an amount, a count) is scaled by days: a target for the whole plan to
	the days evaluated, a target for one evaluation period (``period_days``) to an evaluation that covers
	more or fewer days (a partial first or last period, an interim evaluation). A rate, an average or a
	score is not: its target holds for any span."""
	if not additive:
		return target, None
	covers = plan_days if target_for == WHOLE_PLAN else period_days
	if covers == evaluated_days:
		return target, covers
	return scaled(target, evaluated_days, covers), covers


def evaluation_baseline(baseline: float, additive: bool, evaluated_days: int, period_days: int) -> float:
	"""The baseline (one evaluation period's worth, measured before the plan) for an evaluation of
	``evaluated_days`` in a period of ``period_days``: a full period compares with the whole baseline, a
	partial or interim one with its share by days, for a KPI that adds up over time; any other as it is."""
	if not additive or evaluated_days == period_days:
		return baseline
	return scaled(baseline, evaluated_days, period_days)


def uses_baseline(
	target: float, direction: str, baseline: float | None, measure_from: str = FROM_BASELINE
) -> bool:
	"""Whether achievement is the progress from the baseline: asked for, and the baseline is on the far side
	of the target (below it for a Raise goal, above for a Lower goal)."""
	if measure_from == AGAINST_TARGET or baseline is None:
		return False
	return (target < baseline) if direction == LOWER else (target > baseline)


# why a goal cannot be reached or means nothing; the CRM Plan turns these into messages naming the field
BELOW_MINIMUM = "below_minimum"
ABOVE_MAXIMUM = "above_maximum"
MET_BY_ANYTHING = "met_by_anything"
NOT_BEYOND_BASELINE = "not_beyond_baseline"


def goal_problem(
	target: float,
	direction: str,
	minimum: float | None = None,
	maximum: float | None = None,
	baseline: float | None = None,
) -> str | None:
	"""Why a goal is impossible or empty, or None: a target outside the values the KPI can take; a target
	any value meets (raising to the lowest possible value, lowering to the highest); a Raise target not
	above its baseline, a Lower target not below it (the goal asks for nothing, and progress from the
	baseline cannot be measured). ``baseline`` None: not measured."""
	if minimum is not None and target < minimum:
		return BELOW_MINIMUM
	if maximum is not None and target > maximum:
		return ABOVE_MAXIMUM
	if (direction == RAISE and minimum is not None and target <= minimum) or (
		direction == LOWER and maximum is not None and target >= maximum
	):
		return MET_BY_ANYTHING
	if baseline is not None and ((target <= baseline) if direction == RAISE else (target >= baseline)):
		return NOT_BEYOND_BASELINE
	return None
