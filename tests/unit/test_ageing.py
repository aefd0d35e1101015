"""Ageing buckets read and drawn as ERPNext's Accounts Receivable does (crm_plus/insights/ageing.py)."""

from crm_plus.insights import ageing


def test_the_range_text_is_read_as_erpnext_reads_it():
	assert ageing.parse("30, 60, 90, 120") == [30, 60, 90, 120]
	assert ageing.parse(" 15,45 ,x, 200, 7.5") == [15, 45, 200]  # whole numbers only, in order
	assert ageing.parse("") == ageing.parse(None) == [30, 60, 90, 120]
	assert ageing.parse("soon") == [30, 60, 90, 120]


def test_an_age_falls_in_the_first_bucket_whose_bound_it_does_not_exceed():
	bounds = [30, 60, 90, 120]
	assert [ageing.bucket(age, bounds) for age in (1, 30, 31, 60, 61, 90, 91, 120, 121, 4000)] == [
		0,
		0,
		1,
		1,
		2,
		2,
		3,
		3,
		4,
		4,
	]


def test_labels_name_each_bucket_from_one_day_overdue():
	assert ageing.labels([30, 60, 90, 120]) == ["1-30", "31-60", "61-90", "91-120", "121-Above"]
	assert ageing.labels([15, 45], above="以上") == ["1-15", "16-45", "46-以上"]
