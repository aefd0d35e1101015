"""Survey answer validation and scores (no frappe)."""

import pytest

from crm_plus.feedback import scoring, tokens
from crm_plus.feedback.scoring import (
	EFFORT,
	MISSING,
	MULTIPLE,
	NOT_A_NUMBER,
	NPS,
	OUT_OF_RANGE,
	RATING,
	SINGLE,
	TEXT,
	TOO_LONG,
	UNKNOWN_OPTION,
	UNKNOWN_QUESTION,
	YES_NO,
	Question,
)

QUESTIONS = [
	Question("q1", "How satisfied are you?", RATING, required=True),
	Question("q2", "Recommend us?", NPS),
	Question("q3", "How easy was it?", EFFORT),
	Question("q4", "Channel", SINGLE, options=("Phone", "E-mail", "Visit")),
	Question("q5", "What did you like?", MULTIPLE, options=("Price", "Quality", "Service")),
	Question("q6", "Would you buy again?", YES_NO),
	Question("q7", "Anything else?", TEXT),
]


def test_every_question_type_is_cleaned():
	answers, problems = scoring.clean_answers(
		QUESTIONS,
		{
			"q1": "5",
			"q2": 9,
			"q3": "6",
			"q4": "Visit",
			"q5": ["Service", "Price", "Price"],
			"q6": "yes",
			"q7": " 很好 ",
		},
	)
	assert problems == []
	got = {a.question: (a.answer, a.value) for a in answers}
	assert got == {
		"q1": ("5", 5.0),
		"q2": ("9", 9.0),
		"q3": ("6", 6.0),
		"q4": ("Visit", None),
		"q5": ("Price\nService", None),
		"q6": ("Yes", 1.0),
		"q7": ("很好", None),
	}


@pytest.mark.parametrize(
	("question", "raw", "code"),
	[
		("q1", "6", OUT_OF_RANGE),
		("q1", "0", OUT_OF_RANGE),
		("q1", "4.5", OUT_OF_RANGE),
		("q1", "abc", NOT_A_NUMBER),
		("q1", True, NOT_A_NUMBER),
		("q2", "11", OUT_OF_RANGE),
		("q2", "-1", OUT_OF_RANGE),
		("q3", "8", OUT_OF_RANGE),
		("q4", "Fax", UNKNOWN_OPTION),
		("q4", ["Phone", "Visit"], UNKNOWN_OPTION),
		("q5", ["Price", "Speed"], UNKNOWN_OPTION),
		("q6", "maybe", UNKNOWN_OPTION),
		("q7", "x" * (scoring.MAX_TEXT + 1), TOO_LONG),
	],
)
def test_invalid_answers_name_their_question(question, raw, code):
	raw_answers = {"q1": "3", question: raw}
	answers, problems = scoring.clean_answers(QUESTIONS, raw_answers)
	assert [(p.question, p.code) for p in problems] == [(question, code)]


def test_missing_required_and_foreign_question():
	_answers, problems = scoring.clean_answers(QUESTIONS, {"q2": "10", "other-survey-q": "5"})
	assert {(p.question, p.code) for p in problems} == {("q1", MISSING), ("other-survey-q", UNKNOWN_QUESTION)}
	# an optional question may stay unanswered
	answers, problems = scoring.clean_answers(QUESTIONS, {"q1": 4})
	assert problems == [] and [a.question for a in answers] == ["q1"]


def test_nps_is_promoters_minus_detractors():
	scores = [10, 9, 9, 8, 7, 6, 0, 3, 10, 10]  # 5 promoters, 2 passives, 3 detractors
	assert scoring.nps(scores) == pytest.approx(100.0 * (5 - 3) / 10)
	assert scoring.nps([]) is None
	assert [scoring.nps_category(s) for s in (0, 6, 7, 8, 9, 10)] == [
		"Detractor",
		"Detractor",
		"Passive",
		"Passive",
		"Promoter",
		"Promoter",
	]


def test_csat_and_effort():
	assert scoring.csat([5, 4, 3, 1]) == 50.0
	assert scoring.csat([]) is None
	assert scoring.effort([7, 5, 6]) == 6.0
	assert scoring.effort([]) is None


def test_scores_of_one_response():
	answers, _ = scoring.clean_answers(QUESTIONS, {"q1": 4, "q2": 6, "q3": 2})
	assert scoring.scores(QUESTIONS, answers) == {
		"csat": 100.0,
		"has_csat": 1,
		"nps_score": 6.0,
		"nps_category": "Detractor",
		"effort_score": 2.0,
		"has_effort": 1,
		# rating 4 -> 75, Detractor -> 0, effort 2 -> 16.67
		"satisfaction": round((75 + 0 + 100 / 6) / 3, 2),
	}


def test_a_measure_not_asked_has_no_score():
	answers, _ = scoring.clean_answers(QUESTIONS, {"q2": 8})
	assert scoring.scores(QUESTIONS, answers) == {
		"csat": None,
		"has_csat": 0,
		"nps_score": 8.0,
		"nps_category": "Passive",
		"effort_score": None,
		"has_effort": 0,
		"satisfaction": 50.0,
	}
	assert scoring.scores(QUESTIONS, [])["satisfaction"] is None


@pytest.mark.parametrize(
	("nps", "satisfaction"),
	[(0, 0.0), (6, 0.0), (7, 50.0), (8, 50.0), (9, 100.0), (10, 100.0)],
)
def test_satisfaction_of_each_nps_category(nps, satisfaction):
	"""NPS's own weights (Detractor -100, Passive 0, Promoter +100) on 0-100: a Passive is neither 0 nor 100."""
	assert scoring.satisfaction(nps_answer=nps) == satisfaction


def test_satisfaction_of_ratings_and_effort_is_their_average_on_0_to_100():
	assert [scoring.satisfaction(ratings=[r]) for r in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
	assert scoring.satisfaction(ratings=[5, 3]) == 75
	assert [scoring.satisfaction(efforts=[e]) for e in (1, 4, 7)] == [0, 50, 100]
	assert scoring.satisfaction([5], 7, [1]) == 50  # 100, 50, 0
	assert scoring.satisfaction() is None


def test_template_questions():
	assert scoring.question_problem(Question("a", "x", SINGLE)) == scoring.NO_OPTIONS
	assert scoring.question_problem(Question("a", "x", "Slider")) == UNKNOWN_QUESTION
	assert scoring.question_problem(Question("a", "x", EFFORT)) is None
	assert scoring.parse_options(" a \n\n b\n") == ("a", "b")


def test_tokens_are_random_and_stored_hashed():
	a, b = tokens.new_token(), tokens.new_token()
	assert a != b and len(a) >= 40
	assert tokens.token_hash(a) == tokens.token_hash(a) != tokens.token_hash(b)
	assert a not in tokens.token_hash(a)
	assert (
		tokens.token_hash("") is None
		and tokens.token_hash(None) is None
		and tokens.token_hash("x" * 200) is None
	)
