"""How an adoption score is made from metric values, and which reward tier it reaches.

Plain Python (no ``frappe``), unit-tested in ``tests/unit/test_adoption_scoring.py``.

Each metric of a program has a weight and a target: reaching the target earns the metric's full share of
100 points (its weight over the sum of weights), less earns a proportional part, more earns no extra, so
no single habit can make up for neglecting the others. The score is the sum of the shares, each kept as a
contribution so the score explains itself ("why 72?").
"""

from dataclasses import dataclass

# why a program setting is refused; the controller turns these into translated messages
NO_METRICS = "no_metrics"
UNKNOWN_METRIC = "unknown_metric"
DUPLICATE_METRIC = "duplicate_metric"
NEGATIVE_WEIGHT = "negative_weight"
NO_WEIGHT = "no_weight"
TARGET_NOT_POSITIVE = "target_not_positive"
THRESHOLD_OUT_OF_RANGE = "threshold_out_of_range"
DUPLICATE_THRESHOLD = "duplicate_threshold"
NEGATIVE_POINTS = "negative_points"


@dataclass(frozen=True)
class MetricSetting:
	metric: str
	weight: float
	target: float


@dataclass(frozen=True)
class Contribution:
	metric: str
	value: float
	target: float
	weight: float
	points: float


@dataclass(frozen=True)
class Tier:
	threshold: float
	reward: str
	energy_points: int = 0


def contributions(values: dict[str, float], settings: list[MetricSetting]) -> list[Contribution]:
	"""Every metric's share of the score for one user's values (a missing value is 0)."""
	total_weight = sum(s.weight for s in settings)
	found = []
	for s in settings:
		value = float(values.get(s.metric) or 0)
		share = 100.0 * s.weight / total_weight if total_weight > 0 else 0.0
		reached = min(value / s.target, 1.0) if s.target > 0 else 0.0
		found.append(Contribution(s.metric, value, s.target, s.weight, round(share * max(reached, 0.0), 2)))
	return found


def score(parts: list[Contribution]) -> float:
	return round(sum(p.points for p in parts), 2)


def tier_for(value: float, tiers: list[Tier]) -> Tier | None:
	"""The highest tier whose threshold the score reaches, or None."""
	reached = [t for t in tiers if value >= t.threshold]
	return max(reached, key=lambda t: t.threshold) if reached else None


def problems(settings: list[MetricSetting], tiers: list[Tier], known: set[str]) -> list[tuple[int, str, str]]:
	"""What is wrong with a program's metrics and tiers, as (row index, field, problem)."""
	found = []
	if not settings:
		found.append((0, "metrics", NO_METRICS))
	seen = set()
	for i, s in enumerate(settings):
		if s.metric not in known:
			found.append((i, "metric", UNKNOWN_METRIC))
		elif s.metric in seen:
			found.append((i, "metric", DUPLICATE_METRIC))
		seen.add(s.metric)
		if s.weight < 0:
			found.append((i, "weight", NEGATIVE_WEIGHT))
		if s.target <= 0:
			found.append((i, "target", TARGET_NOT_POSITIVE))
	if settings and sum(max(s.weight, 0) for s in settings) <= 0:
		found.append((0, "weight", NO_WEIGHT))
	thresholds = set()
	for i, t in enumerate(tiers):
		if not 0 < t.threshold <= 100:
			found.append((i, "threshold", THRESHOLD_OUT_OF_RANGE))
		elif t.threshold in thresholds:
			found.append((i, "threshold", DUPLICATE_THRESHOLD))
		thresholds.add(t.threshold)
		if t.energy_points < 0:
			found.append((i, "energy_points", NEGATIVE_POINTS))
	return found
