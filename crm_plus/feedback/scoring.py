"""Survey answers and their scores: plain Python, no ``frappe`` import, unit-tested without a bench.

Question types and their answers:

- *Rating* 1-5, *NPS* 0-10, *Customer Effort* 1-7 (7 = very easy): a whole number in the range;
- *Single Choice*: one of the question's options; *Multiple Choice*: one or more of them;
- *Yes/No*: "Yes" or "No"; *Free Text*: any text up to ``MAX_TEXT`` characters.

Scores:

- CSAT: answers of 4 or 5 to Rating questions / all Rating answers * 100;
- NPS: % promoters (9-10) - % detractors (0-6) over NPS answers; passives are 7-8;
- Customer Effort: the average Customer Effort answer (1 very difficult … 7 very easy);
- Satisfaction (0-100, what the customer's health score reads): the mean of the measures the response
  asked, each put on 0-100: the Rating answers' average (1 → 0, 3 → 50, 5 → 100), the NPS answer by its
  category, as NPS itself counts it (a Detractor counts -100, a Passive 0, a Promoter +100, moved onto
  0-100: Detractor 0, Passive 50, Promoter 100) and the Customer Effort answers' average (1 → 0,
  4 → 50, 7 → 100). A response that asked none of them has no satisfaction.

A measure the response did not ask has no value (None), never 0: a response with only an NPS question has
no CSAT and no Customer Effort.
"""

from collections.abc import Iterable
from dataclasses import dataclass

RATING, NPS, EFFORT = "Rating", "NPS", "Customer Effort"
SINGLE, MULTIPLE, YES_NO, TEXT = "Single Choice", "Multiple Choice", "Yes/No", "Free Text"
QUESTION_TYPES = (RATING, NPS, EFFORT, SINGLE, MULTIPLE, YES_NO, TEXT)
RANGES = {RATING: (1, 5), NPS: (0, 10), EFFORT: (1, 7)}
CHOICE_TYPES = (SINGLE, MULTIPLE)
YES, NO = "Yes", "No"
MAX_TEXT = 2000

PROMOTER, PASSIVE, DETRACTOR = "Promoter", "Passive", "Detractor"
SATISFIED_FROM = 4

# why an answer is refused; the caller turns these into translated messages naming the question
UNKNOWN_QUESTION = "unknown_question"
MISSING = "missing"
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"
UNKNOWN_OPTION = "unknown_option"
TOO_LONG = "too_long"
NO_OPTIONS = "no_options"


@dataclass(frozen=True)
class Question:
	id: str
	text: str
	question_type: str
	options: tuple[str, ...] = ()
	required: bool = False


@dataclass(frozen=True)
class Answer:
	question: str
	answer: str
	value: float | None = None


@dataclass(frozen=True)
class Problem:
	question: str  # the question id (or the unknown key as given)
	code: str
	detail: str = ""


def parse_options(text: str | None) -> tuple[str, ...]:
	"""The options of a choice question: one per line, blank lines and surrounding spaces ignored."""
	return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def question_problem(question: Question) -> str | None:
	"""Why a question of a survey template is unusable, or None."""
	if question.question_type not in QUESTION_TYPES:
		return UNKNOWN_QUESTION
	if question.question_type in CHOICE_TYPES and not question.options:
		return NO_OPTIONS
	return None


def _empty(raw) -> bool:
	return (
		raw is None
		or (isinstance(raw, str) and not raw.strip())
		or (isinstance(raw, list | tuple) and not raw)
	)


def _number(question: Question, raw) -> tuple[Answer | None, Problem | None]:
	low, high = RANGES[question.question_type]
	if isinstance(raw, bool):
		return None, Problem(question.id, NOT_A_NUMBER, str(raw))
	try:
		number = float(str(raw).strip())
	except ValueError:
		return None, Problem(question.id, NOT_A_NUMBER, str(raw))
	if number != int(number) or not low <= number <= high:
		return None, Problem(question.id, OUT_OF_RANGE, f"{low}-{high}")
	return Answer(question.id, str(int(number)), float(int(number))), None


def _choices(raw) -> list[str]:
	if isinstance(raw, str):
		return [part.strip() for part in raw.splitlines() if part.strip()]
	return [str(part).strip() for part in raw if str(part).strip()]


def clean_answer(question: Question, raw) -> tuple[Answer | None, Problem | None]:
	"""One answer checked against its question: (cleaned answer, None) or (None, problem).
	An empty answer to an optional question is (None, None)."""
	if _empty(raw):
		return None, (Problem(question.id, MISSING) if question.required else None)
	kind = question.question_type
	if kind in RANGES:
		return _number(question, raw)
	if kind in CHOICE_TYPES:
		chosen = _choices(raw) if kind == MULTIPLE or not isinstance(raw, str) else [raw.strip()]
		if kind == SINGLE and len(chosen) != 1:
			return None, Problem(question.id, UNKNOWN_OPTION, "\n".join(chosen))
		unknown = [c for c in chosen if c not in question.options]
		if unknown:
			return None, Problem(question.id, UNKNOWN_OPTION, unknown[0])
		# keep the survey's order and drop repeats
		ordered = [o for o in question.options if o in chosen]
		return Answer(question.id, "\n".join(ordered)), None
	if kind == YES_NO:
		value = {YES.lower(): YES, NO.lower(): NO, "1": YES, "0": NO, "true": YES, "false": NO}.get(
			str(raw).strip().lower()
		)
		if value is None:
			return None, Problem(question.id, UNKNOWN_OPTION, str(raw))
		return Answer(question.id, value, 1.0 if value == YES else 0.0), None
	text = str(raw).strip()
	if len(text) > MAX_TEXT:
		return None, Problem(question.id, TOO_LONG, str(MAX_TEXT))
	return Answer(question.id, text), None


def clean_answers(questions: Iterable[Question], raw: dict) -> tuple[list[Answer], list[Problem]]:
	"""Every answer checked against the survey's questions, in the survey's order.

	``raw`` maps question id to the raw answer. A key that is not a question of this survey (say, a
	question of another survey) is a problem, as is a missing required answer or an invalid value."""
	questions = list(questions)
	known = {q.id for q in questions}
	problems = [Problem(str(key), UNKNOWN_QUESTION) for key in raw if key not in known]
	answers = []
	for question in questions:
		answer, problem = clean_answer(question, raw.get(question.id))
		if problem:
			problems.append(problem)
		elif answer:
			answers.append(answer)
	return answers, problems


def nps_category(score: float | None) -> str | None:
	if score is None:
		return None
	if score >= 9:
		return PROMOTER
	if score >= 7:
		return PASSIVE
	return DETRACTOR


def csat(ratings: Iterable[float]) -> float | None:
	"""Rating answers of 4 or 5 / all Rating answers * 100; None without any."""
	ratings = list(ratings)
	if not ratings:
		return None
	return 100.0 * sum(1 for r in ratings if r >= SATISFIED_FROM) / len(ratings)


def nps(scores: Iterable[float]) -> float | None:
	"""% promoters - % detractors; None without any answer."""
	categories = [nps_category(s) for s in scores]
	if not categories:
		return None
	return 100.0 * (categories.count(PROMOTER) - categories.count(DETRACTOR)) / len(categories)


def effort(values: Iterable[float]) -> float | None:
	values = list(values)
	return sum(values) / len(values) if values else None


# each NPS category on the satisfaction scale: NPS's own -100 / 0 / +100, moved onto 0-100
NPS_SATISFACTION = {DETRACTOR: 0.0, PASSIVE: 50.0, PROMOTER: 100.0}


def _on_scale(values: list[float], kind: str) -> float:
	low, high = RANGES[kind]
	return 100.0 * (sum(values) / len(values) - low) / (high - low)


def satisfaction(
	ratings: Iterable[float] = (), nps_answer: float | None = None, efforts: Iterable[float] = ()
) -> float | None:
	"""0-100: the mean of the measures asked (Rating average, the NPS answer's category, Customer Effort
	average), each on 0-100; None when none was asked."""
	ratings, efforts = list(ratings), list(efforts)
	parts = []
	if ratings:
		parts.append(_on_scale(ratings, RATING))
	if nps_answer is not None:
		parts.append(NPS_SATISFACTION[nps_category(nps_answer)])
	if efforts:
		parts.append(_on_scale(efforts, EFFORT))
	return round(sum(parts) / len(parts), 2) if parts else None


def scores(questions: Iterable[Question], answers: Iterable[Answer]) -> dict:
	"""The scores of one response: csat (%), nps_score (its first NPS answer), nps_category, effort_score,
	satisfaction (0-100); None for what it did not ask, with has_csat / has_effort saying whether it asked
	(a database keeps a number column's "nothing" as 0)."""
	kinds = {q.id: q.question_type for q in questions}
	by_kind: dict[str, list[float]] = {}
	for answer in answers:
		if answer.value is not None:
			by_kind.setdefault(kinds.get(answer.question), []).append(answer.value)
	nps_answers = by_kind.get(NPS, [])
	first_nps = nps_answers[0] if nps_answers else None
	ratings, efforts = by_kind.get(RATING, []), by_kind.get(EFFORT, [])
	return {
		"csat": csat(ratings),
		"has_csat": int(bool(ratings)),
		"nps_score": first_nps,
		"nps_category": nps_category(first_nps),
		"effort_score": effort(efforts),
		"has_effort": int(bool(efforts)),
		"satisfaction": satisfaction(ratings, first_nps, efforts),
	}
