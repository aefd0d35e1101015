"""RFM quintiles, segments and the health score on hand-computed examples (no frappe)."""

import pytest

from crm_plus.insights import scoring as s


def test_quintiles_of_ten_distinct_values():
	values = {f"c{i}": v for i, v in enumerate([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])}
	# position p of n=10 scores 1 + 5p // 10: two customers per quintile
	assert [s.quintile_scores(values)[f"c{i}"] for i in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quintile_edges_with_uneven_counts():
	# n=7: positions 0..6 score 1 + 5p // 7 = 1, 1, 2, 3, 3, 4, 5
	values = {f"c{i}": i for i in range(7)}
	assert list(s.quintile_scores(values).values()) == [1, 1, 2, 3, 3, 4, 5]


def test_ties_share_the_score_of_their_first_position():
	values = {"a": 5, "b": 5, "c": 5, "d": 8, "e": 9}
	# sorted 5,5,5,8,9: every 5 takes position 0 -> 1; 8 position 3 -> 4; 9 position 4 -> 5
	assert s.quintile_scores(values) == {"a": 1, "b": 1, "c": 1, "d": 4, "e": 5}
	everyone_equal = {k: 1 for k in "abcdef"}
	assert set(s.quintile_scores(everyone_equal).values()) == {1}


def test_recency_lower_is_better():
	days = {"recent": 3, "mid": 40, "old": 400, "older": 800, "oldest": 900}
	assert s.quintile_scores(days, higher_is_better=False) == {
		"recent": 5,
		"mid": 4,
		"old": 3,
		"older": 2,
		"oldest": 1,
	}


def test_single_customer_and_no_customer():
	assert s.quintile_scores({"only": 42}) == {"only": 1}
	assert s.quintile_scores({}) == {}


@pytest.mark.parametrize(
	"r,f,m,expected",
	[
		(5, 5, 5, s.CHAMPIONS),
		(4, 4, 3, s.CHAMPIONS),  # fm = (4 + 3 + 1) // 2 = 4
		(5, 1, 2, s.NEW),
		(3, 3, 3, s.LOYAL),
		(4, 2, 3, s.LOYAL),  # fm 3, bought more than once
		(3, 1, 1, s.POTENTIAL),
		(2, 5, 5, s.SLIPPING_AWAY),
		(1, 3, 3, s.SLIPPING_AWAY),
		(2, 1, 2, s.HIBERNATING),
		(1, 2, 2, s.LOST),
		(0, 0, 0, s.NO_PURCHASE),
	],
)
def test_segments(r, f, m, expected):
	assert s.segment(r, f, m) == expected


def test_component_scores():
	assert s.recency_score(None, 365) is None
	assert s.recency_score(0, 365) == 100
	assert s.recency_score(73, 365) == pytest.approx(80)
	assert s.recency_score(500, 365) == 0
	assert s.frequency_score(1, 4) == 25
	assert s.frequency_score(6, 3) == 100
	assert s.frequency_score(0, 0) == 0
	assert s.frequency_score(2, 0) == 100
	# pays in 75 days: (120 - 75) / 90 = 50; a quarter overdue: 75 -> (50 + 75) / 2
	assert s.overdue_share(400, 100) == 0.25 and s.overdue_share(0, 0) == 0
	assert s.payment_score(75, 0.25) == pytest.approx(62.5)
	assert s.payment_score(None, 0) == 100
	assert s.engagement_score(1) == 25
	assert s.engagement_score(9) == 100


def test_health_breakdown_sums_to_the_score():
	p = s.Purchases(
		days_since_purchase=73,  # recency 80
		current_count=1,
		previous_count=4,  # frequency 25
		avg_days_to_pay=75,
		overdue_share=0.25,  # payment 62.5
		satisfaction=90,
		contacts_90d=1,  # engagement 25
	)
	parts = s.components(p, s.DEFAULT_WEIGHTS, churn_days=365, trend_days=90)
	score, parts, redistributed = s.health(parts)
	# (30*80 + 20*25 + 25*62.5 + 10*90 + 15*25) / 100 = (2400 + 500 + 1562.5 + 900 + 375) / 100 = 57.375
	assert score == 57
	assert not redistributed
	# shares 24, 5, 15.625, 9, 3.75: floors 24, 5, 15, 9, 3 = 56; one point to the largest remainder (.75)
	assert [c.points for c in parts] == [24, 5, 15, 9, 4]
	assert sum(c.points for c in parts) == score
	assert s.label(score) == s.NEEDS_ATTENTION


def test_missing_satisfaction_redistributes_its_weight():
	p = s.Purchases(days_since_purchase=0, current_count=2, previous_count=2, contacts_90d=0)
	score, parts, redistributed = s.health(s.components(p, s.DEFAULT_WEIGHTS, 365, 90))
	# recency 100, frequency 100, payment 100, engagement 0 over weights 30+20+25+15 = 90: 7500 / 90 = 83.33
	assert redistributed
	assert score == 83
	assert [c.points for c in parts] == [33, 22, 28, 0, 0]
	assert sum(c.points for c in parts) == 83
	assert s.label(score) == s.HEALTHY


def test_weights_change_the_score():
	p = s.Purchases(days_since_purchase=0, current_count=0, previous_count=3, contacts_90d=0)
	only_engagement = {s.ENGAGEMENT: 1}
	assert s.health(s.components(p, only_engagement, 365, 90))[0] == 0
	only_recency = {s.RECENCY: 1}
	assert s.health(s.components(p, only_recency, 365, 90))[0] == 100


def test_never_bought_has_no_recency_and_scores_what_remains():
	p = s.Purchases(days_since_purchase=None)
	score, parts, redistributed = s.health(s.components(p, s.DEFAULT_WEIGHTS, 365, 90))
	assert redistributed
	assert parts[0].score is None and parts[0].points == 0
	assert sum(c.points for c in parts) == score


@pytest.mark.parametrize(
	"score,expected",
	[
		(0, s.UNHEALTHY),
		(39, s.UNHEALTHY),
		(40, s.NEEDS_ATTENTION),
		(69, s.NEEDS_ATTENTION),
		(70, s.HEALTHY),
		(100, s.HEALTHY),
	],
)
def test_labels(score, expected):
	assert s.label(score, 40, 70) == expected


def test_rounding_half_up_keeps_points_summing():
	# three equal components of 50.5 each: score 50.5 -> 51; points 17, 17, 17 = 51
	parts = [s.Component(k, 1, 50.5) for k in ("a", "b", "c")]
	score, parts, _ = s.health(parts)
	assert score == 51
	assert sum(c.points for c in parts) == 51


def test_quick_health_equals_the_explained_health():
	import random

	rnd = random.Random(4)
	weights = [30, 20, 25, 10, 15]
	for _ in range(2000):
		p = s.Purchases(
			days_since_purchase=rnd.choice([None, rnd.randrange(0, 900)]),
			current_count=rnd.randrange(0, 6),
			previous_count=rnd.randrange(0, 6),
			avg_days_to_pay=rnd.choice([None, rnd.uniform(0, 150)]),
			overdue_share=rnd.random(),
			satisfaction=rnd.choice([None, rnd.uniform(0, 100)]),
			contacts_90d=rnd.randrange(0, 8),
		)
		explained, parts, redistributed = s.health(
			s.components(p, dict(zip(s.COMPONENTS, weights, strict=True)), 365, 90)
		)
		quick, points, quick_redistributed = s.quick_health(p, weights, 365)
		assert (quick, points, quick_redistributed) == (explained, [c.points for c in parts], redistributed)
		assert sum(points) == quick
