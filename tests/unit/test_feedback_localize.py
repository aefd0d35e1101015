# ruff: noqa: RUF001 (Chinese text uses full-width punctuation)
"""Which language the survey page speaks, and a survey's texts in it (``crm_plus/feedback/localize.py``)."""

import pytest

from crm_plus.feedback import localize
from crm_plus.feedback.localize import Question, Translation

OFFERED = ("en", "zh", "zh-TW")


@pytest.mark.parametrize(
	("tag", "expected"),
	[
		("zh-TW", "zh-TW"),
		("zh_TW", "zh-TW"),
		("ZH-tw", "zh-TW"),
		("zh-Hant", "zh-TW"),
		("zh-Hant-HK", "zh-TW"),
		("zh-HK", "zh-TW"),
		("zh-MO", "zh-TW"),
		("zh", "zh"),
		("zh-CN", "zh"),
		("zh-Hans", "zh"),
		("zh-Hans-SG", "zh"),
		("en-US", "en"),
		("en", "en"),
		("de-DE", None),
		("", None),
		(None, None),
	],
)
def test_a_language_tag_names_an_offered_language(tag, expected):
	assert localize.normalize(tag, OFFERED) == expected


def test_traditional_chinese_falls_back_to_simplified_only_when_traditional_is_not_offered():
	assert localize.normalize("zh-HK", ("en", "zh")) == "zh"


@pytest.mark.parametrize(
	("requested", "customer", "browser", "link", "expected"),
	[
		# the visitor's choice on the page wins over everything
		("en", "zh", ["zh-TW"], "zh", "en"),
		("zh_TW", None, [], "en", "zh-TW"),
		# then the customer's own language, the one its e-mail was written in
		(None, "zh-TW", ["en-US", "en"], "zh-TW", "zh-TW"),
		# a customer without a language: the browser's, in its order, first offered one
		(None, None, ["de-DE", "zh-Hant-TW", "en"], "en", "zh-TW"),
		(None, None, ["zh-CN", "zh"], "en", "zh"),
		# a choice or a language the page does not offer is passed over
		("fr", "de", ["fr-FR"], "zh", "zh"),
		# nothing known: the link's language, else the site's
		(None, None, [], None, "en"),
	],
)
def test_the_page_speaks_the_first_offered_of_choice_customer_browser_link(
	requested, customer, browser, link, expected
):
	assert localize.page_language(requested, customer, browser, link, OFFERED, "en") == expected


def test_the_switch_offers_crm_plus_languages_then_the_surveys_own():
	assert localize.offered_languages("en", ["zh-TW"]) == ["en", "zh", "zh-TW"]
	assert localize.offered_languages("de", ["fr", "zh", "fr"]) == ["en", "zh", "zh-TW", "de", "fr"]


QUESTIONS = [
	Question("How satisfied are you?"),
	Question("What did you like?", ["Price", "Quality", "Service"], choice=True),
	Question("Anything else?"),
]


def test_a_translated_survey_shows_its_translations_and_keeps_its_own_option_values():
	translations = [
		Translation("zh-TW", 1, "您滿意嗎？"),
		Translation("zh-TW", 2, "您喜歡什麼？", ["價格", "品質", "服務"]),
		Translation("zh", 1, "您满意吗？"),
	]
	headings = {"zh-TW": ("滿意度調查", None)}
	texts = localize.texts("zh-TW", "Satisfaction", "Tell us.", QUESTIONS, headings, translations)
	assert texts.title == "滿意度調查"
	assert texts.introduction == "Tell us."  # not translated: the survey's own
	assert texts.questions[0] == ("您滿意嗎？", [])
	# the labels are translated, the values stay the survey's own options (what answers store)
	assert texts.questions[1] == (
		"您喜歡什麼？",
		[("Price", "價格"), ("Quality", "品質"), ("Service", "服務")],
	)
	assert texts.questions[2] == ("Anything else?", [])  # untranslated question: the survey's own text

	english = localize.texts("en", "Satisfaction", "Tell us.", QUESTIONS, headings, translations)
	assert english.title == "Satisfaction" and english.questions[1][1][0] == ("Price", "Price")


def test_problems_name_the_row_and_what_is_wrong():
	found = localize.problems(
		"en",
		QUESTIONS,
		["zh", "en", "zh"],
		[
			Translation("zh", 1, "您满意吗？"),
			Translation("zh", 1, "又一次"),
			Translation("en", 1, "Again"),
			Translation("zh", 4, "没有这个问题"),
			Translation("zh", 3, "还有吗？", ["一"]),
			Translation("zh", 2, "您喜欢什么？", ["价格", "质量"]),
			Translation("zh-TW", 2, "您喜歡什麼？", ["價格", "品質", "服務"]),
		],
	)
	assert found == [
		("languages", 2, localize.SAME_AS_SURVEY),
		("languages", 3, localize.DUPLICATE),
		("translations", 2, localize.DUPLICATE),
		("translations", 3, localize.SAME_AS_SURVEY),
		("translations", 4, localize.NO_SUCH_QUESTION),
		("translations", 5, localize.OPTIONS_NOT_ASKED),
		("translations", 6, localize.OPTIONS_COUNT),
	]


def test_translations_follow_their_question_when_questions_move_or_go():
	before = ["q1", "q2", "q3"]
	after = ["q3", "q1"]  # q3 moved to the top, q2 removed
	assert localize.renumbered(before, after, 1) == 2
	assert localize.renumbered(before, after, 2) is None
	assert localize.renumbered(before, after, 3) == 1
	assert localize.renumbered(before, after, 9) == 9  # named no question: left for the check to refuse


def test_lines_are_the_options_one_per_line():
	assert localize.lines(" 價格 \n\n品質\n") == ["價格", "品質"]
	assert localize.lines(None) == []
