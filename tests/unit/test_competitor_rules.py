import pytest

from crm_plus.competitors import rules


def test_lost_deal_key_is_one_per_deal_and_competitor():
	assert rules.lost_deal_key("Quotation", "SAL-QTN-0001", "Acme") == "Quotation::SAL-QTN-0001::Acme"
	assert rules.lost_deal_key("Quotation", "SAL-QTN-0001", "Acme") != rules.lost_deal_key(
		"Opportunity", "SAL-QTN-0001", "Acme"
	)


def test_lost_deal_observation_names_deal_reasons_and_detail():
	text = rules.lost_deal_observation(
		"Quotation", "Q-1", ["Price", "", "Delivery time"], "  They were cheaper "
	)
	assert text == "Quotation Q-1\nPrice, Delivery time\nThey were cheaper"
	assert rules.lost_deal_observation("Opportunity", "O-1", [], None) == "Opportunity O-1"


@pytest.mark.parametrize(
	("actual", "theirs", "direction", "expected"),
	[
		(10, 8, "Raise", True),
		(8, 8, "Raise", False),
		(4, 6, "Lower", True),
		(6, 6, "Lower", False),
		(7, 6, "Lower", False),
		(None, 6, "Raise", False),
		(6, None, "Lower", False),
	],
)
def test_beats_depends_on_direction(actual, theirs, direction, expected):
	assert rules.beats(actual, theirs, direction) is expected


def test_touchpoint_summary_is_one_short_line():
	assert rules.touchpoint_summary("Acme", "Pricing", "10 %\n off  all") == "Acme · Pricing: 10 % off all"
	assert rules.touchpoint_summary("Acme", None, "") == "Acme"
	long = rules.touchpoint_summary("Acme", "Service", "x" * 500)
	assert long.endswith("…") and len(long) == len("Acme · Service: ") + rules.SUMMARY_LENGTH


def test_top_exposed_orders_by_count_then_name():
	assert rules.top_exposed({"B": 2, "A": 2, "C": 5, "D": 1}) == [("C", 5), ("A", 2), ("B", 2)]
	assert rules.top_exposed({}) == []


def test_vocabularies_match_the_doctype_options():
	import json
	from pathlib import Path

	meta = json.loads(
		(Path(rules.__file__).parent / "doctype" / "competitor_note" / "competitor_note.json").read_text()
	)
	options = {f["fieldname"]: f.get("options", "").split("\n") for f in meta["fields"]}
	assert tuple(options["aspect"]) == rules.ASPECTS
	assert tuple(options["source"]) == rules.SOURCES
	assert tuple(options["threat_level"]) == rules.THREAT_LEVELS
	assert rules.LOST_DEAL_SOURCE in rules.SOURCES
