"""RFM scores, segments and the customer health score: pure functions, no ``frappe``.

RFM: each purchasing customer gets a recency, frequency and monetary score from 1 to 5 by quintile of
its value among the company's purchasing customers. Ties share a score: a value's score comes from the
position of its *first* occurrence in the sorted list, ``1 + 5 * position // n``, so equal values can
never land in different quintiles (with many ties a quintile can stay empty). Customers without a
purchase are not ranked: their scores are 0 and their segment is ``NO_PURCHASE``.

Health: a weighted mean of component scores (each 0-100), rounded to a whole number; the breakdown gives
each component's points, rounded so that they add up to exactly the score (largest remainder). A
component that cannot be measured (no survey answered, say) drops out and its weight is shared among the
others in proportion to theirs; the breakdown says so.
"""

from dataclasses import dataclass, field
from math import floor

# segments, best first
CHAMPIONS = "Champions"
LOYAL = "Loyal"
NEW = "New"
POTENTIAL = "Potential"
# not "At Risk", which is a lifecycle stage: good customers who have stopped buying lately
SLIPPING_AWAY = "Slipping Away"
HIBERNATING = "Hibernating"
LOST = "Lost"
NO_PURCHASE = "No Purchase"
SEGMENTS = (CHAMPIONS, LOYAL, NEW, POTENTIAL, SLIPPING_AWAY, HIBERNATING, LOST, NO_PURCHASE)

HEALTHY = "Healthy"
NEEDS_ATTENTION = "Needs Attention"
# not "At Risk" (the lifecycle stage): one word for risk per vocabulary, so none can be taken for another
UNHEALTHY = "Unhealthy"
LABELS = (HEALTHY, NEEDS_ATTENTION, UNHEALTHY)

RECENCY = "recency"
FREQUENCY = "frequency"
PAYMENT = "payment"
SATISFACTION = "satisfaction"
ENGAGEMENT = "engagement"
COMPONENTS = (RECENCY, FREQUENCY, PAYMENT, SATISFACTION, ENGAGEMENT)

DEFAULT_WEIGHTS = {RECENCY: 30, FREQUENCY: 20, PAYMENT: 25, SATISFACTION: 10, ENGAGEMENT: 15}


def _(text: str) -> str:
	"""Marks a literal for translation extraction; frappe translates it where it is shown."""
	return text


# payment: paying within PROMPT_DAYS scores full marks, LATE_DAYS or later nothing
PROMPT_DAYS = 30
LATE_DAYS = 120
# engagement: this many touchpoints in the last 90 days score full marks
ENGAGEMENT_TARGET = 4


def quintile_scores(values: dict, higher_is_better: bool = True) -> dict:
	"""Score 1-5 for each key by the quintile of its value; equal values share the lower position's score."""
	n = len(values)
	if not n:
		return {}
	ordered = sorted(values.values(), reverse=not higher_is_better)
	first = {}
	for position, value in enumerate(ordered):
		first.setdefault(value, position)
	return {key: 1 + 5 * first[value] // n for key, value in values.items()}


def segment(r: int, f: int, m: int) -> str:
	"""The named segment of R, F and M scores (1-5; 0 when the customer never bought)."""
	if not (r and f and m):
		return NO_PURCHASE
	fm = (f + m + 1) // 2  # frequency and monetary together, halves rounded up
	if r >= 4 and fm >= 4:
		return CHAMPIONS
	if r >= 4 and f == 1:
		return NEW
	if r >= 3 and fm >= 3:
		return LOYAL
	if r >= 3:
		return POTENTIAL
	if fm >= 3:
		return SLIPPING_AWAY
	if r == 2:
		return HIBERNATING
	return LOST


@dataclass
class Purchases:
	"""What the health score reads about one customer (amounts in one currency)."""

	days_since_purchase: int | None  # None: never bought
	current_count: int = 0  # purchases in the last trend period
	previous_count: int = 0  # purchases in the period before
	avg_days_to_pay: float | None = None  # None: no invoice paid yet
	overdue_share: float = 0  # share (0-1) of the outstanding amount that is overdue
	satisfaction: float | None = None  # 0-100, None: no survey answered (or no surveys)
	contacts_90d: int = 0


@dataclass
class Component:
	key: str
	weight: float  # as set
	score: float | None  # 0-100, None when it cannot be measured
	points: int = 0  # contribution to the health score
	note: str = ""  # a msgid with {0}-style placeholders ...
	values: tuple = field(default_factory=tuple)  # ... filled with these values


def _clamp(x: float) -> float:
	return max(0.0, min(100.0, x))


def recency_score(days: int | None, churn_days: int) -> float | None:
	if days is None:
		return None
	return _clamp(100 * (1 - days / max(churn_days, 1)))


def frequency_score(current: int, previous: int) -> float:
	if previous <= 0:
		return 100.0 if current > 0 else 0.0
	return _clamp(100 * current / previous)


def overdue_share(outstanding: float, overdue: float) -> float:
	"""Share (0-1) of the outstanding amount that is overdue; 0 when nothing is outstanding."""
	if outstanding <= 0:
		return 0.0
	return max(0.0, min(1.0, overdue / outstanding))


def payment_score(avg_days_to_pay: float | None, overdue_share: float) -> float:
	"""Half promptness (average days to pay), half the share of the outstanding amount not yet overdue."""
	if avg_days_to_pay is None:
		promptness = 100.0
	else:
		promptness = _clamp(100 * (LATE_DAYS - avg_days_to_pay) / (LATE_DAYS - PROMPT_DAYS))
	return (promptness + _clamp(100 * (1 - overdue_share))) / 2


def engagement_score(contacts: int) -> float:
	return _clamp(100 * contacts / ENGAGEMENT_TARGET)


def components(p: Purchases, weights: dict, churn_days: int, trend_days: int) -> list[Component]:
	return [
		Component(
			RECENCY,
			weights.get(RECENCY, 0),
			recency_score(p.days_since_purchase, churn_days),
			note=_("{0} days since the last purchase (churned after {1})"),
			values=(p.days_since_purchase, churn_days),
		),
		Component(
			FREQUENCY,
			weights.get(FREQUENCY, 0),
			frequency_score(p.current_count, p.previous_count),
			note=_("{0} purchases in the last {1} days against {2} in the {1} days before"),
			values=(p.current_count, trend_days, p.previous_count),
		),
		Component(
			PAYMENT,
			weights.get(PAYMENT, 0),
			payment_score(p.avg_days_to_pay, p.overdue_share),
			note=_("pays in {0} days on average; {1}% of the outstanding amount is overdue"),
			values=(round(p.avg_days_to_pay or 0, 1), round(100 * p.overdue_share)),
		),
		Component(
			SATISFACTION,
			weights.get(SATISFACTION, 0),
			p.satisfaction,
			note=_("latest survey score {0} of 100")
			if p.satisfaction is not None
			else _("no survey answered"),
			values=(round(p.satisfaction),) if p.satisfaction is not None else (),
		),
		Component(
			ENGAGEMENT,
			weights.get(ENGAGEMENT, 0),
			engagement_score(p.contacts_90d),
			note=_("touchpoints in the last 90 days: {0}"),
			values=(p.contacts_90d,),
		),
	]


def _largest_remainder(shares: list[float], total: int) -> list[int]:
	"""Whole numbers close to ``shares`` that add up to ``total``."""
	floors = [floor(s) for s in shares]
	missing = total - sum(floors)
	order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
	for i in order[: max(missing, 0)]:
		floors[i] += 1
	return floors


def health(parts: list[Component]) -> tuple[int, list[Component], bool]:
	"""(score 0-100, components with their points, whether a weight was redistributed).

	Each measurable component contributes ``weight * score / sum of measurable weights``; the score is
	their sum rounded half up, and the points are that sum split by largest remainder.
	"""
	score, points, redistributed = combine([c.score for c in parts], [c.weight for c in parts])
	for c, p in zip(parts, points, strict=True):
		c.points = p
	return score, parts, redistributed


def combine(scores: list, weights: list) -> tuple[int, list[int], bool]:
	"""(score, points per component, redistributed) from component scores (None: not measured) and
	weights; the one formula behind ``health`` and the set-wise recompute."""
	total_weight = 0.0
	redistributed = False
	for s, w in zip(scores, weights, strict=True):
		if w > 0:
			if s is None:
				redistributed = True
			else:
				total_weight += w
	points = [0] * len(scores)
	if not total_weight:
		return 0, points, redistributed
	measured = [i for i, (s, w) in enumerate(zip(scores, weights, strict=True)) if s is not None and w > 0]
	shares = [weights[i] * scores[i] / total_weight for i in measured]
	score = floor(sum(shares) + 0.5 + 1e-9)
	for i, p in zip(measured, _largest_remainder(shares, score), strict=True):
		points[i] = p
	return score, points, redistributed


def quick_health(p: Purchases, weights: list, churn_days: int) -> tuple[int, list[int], bool]:
	"""``health(components(...))`` without building the explanations: for scoring every customer.
	``weights`` in the order of ``COMPONENTS``."""
	return combine(
		[
			recency_score(p.days_since_purchase, churn_days),
			frequency_score(p.current_count, p.previous_count),
			payment_score(p.avg_days_to_pay, p.overdue_share),
			p.satisfaction,
			engagement_score(p.contacts_90d),
		],
		weights,
	)


def label(score: int, at_risk_below: int = 40, healthy_from: int = 70) -> str:
	if score >= healthy_from:
		return HEALTHY
	if score >= at_risk_below:
		return NEEDS_ATTENTION
	return UNHEALTHY
