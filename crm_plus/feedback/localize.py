"""A survey in the visitor's language: which language the public page speaks, and the survey's texts in it.

Plain Python on purpose (no ``frappe``), so the rules are unit-tested without a bench.

**Which language.** The page speaks the first of these that it offers (``page_language``):

1. the visitor's own choice on the page (the language switch, ``?lang=``);
2. the language chosen for the customer (its *Print Language*, when it is not just the site's language,
   which Frappe gives every new customer), which its e-mail was written in;
3. the browser's: Frappe's ``preferred_language`` cookie, then ``Accept-Language`` in its order;
4. the language the link was sent in (the site's, when the customer has none);
5. the site's language.

A tag names an offered language as browsers write it: ``zh-Hant``, ``zh-HK`` and ``zh-MO`` are
Traditional Chinese (``zh-TW``), ``zh-CN``, ``zh-Hans`` and ``zh-SG`` Simplified (``zh``), ``en-US`` English.

**The texts.** A survey is written in one language (``Feedback Survey.language``) and may carry
translations: a title and introduction per language, and per question (by its number) the question and its
options in the same order. In another language each text is the translation when there is one, else the
survey's own, so a half-translated survey is still whole. An option keeps the survey's own text as its
value (what the answer stores), so answers given in every language count together.
"""

from dataclasses import dataclass, field

LANGUAGES = ("en", "zh", "zh-TW")  # the languages crm_plus's own strings are translated into

TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})  # script or region of Chinese written in Traditional

# why a translation row is refused; the Feedback Survey controller turns these into translated messages
SAME_AS_SURVEY = "same_as_survey"
DUPLICATE = "duplicate"
NO_SUCH_QUESTION = "no_such_question"
OPTIONS_NOT_ASKED = "options_not_asked"
OPTIONS_COUNT = "options_count"


def normalize(tag: str | None, offered) -> str | None:
	"""The offered language a language tag means (``zh_TW``, ``zh-Hant-HK``, ``EN-us``), or None."""
	if not tag or not isinstance(tag, str):
		return None
	by_lower = {language.lower(): language for language in offered}
	code = tag.strip().replace("_", "-").lower()
	if code in by_lower:
		return by_lower[code]
	base, *rest = code.split("-")
	if base == "zh" and TRADITIONAL & set(rest) and "zh-tw" in by_lower:
		return by_lower["zh-tw"]
	return by_lower.get(base)


def page_language(
	requested: str | None,
	customer: str | None,
	browser: list[str],
	link: str | None,
	offered,
	default: str | None = "en",
) -> str:
	"""The language the survey page speaks (see the module's docstring for the order)."""
	for candidate in (requested, customer, *browser, link, default):
		if language := normalize(candidate, offered):
			return language
	return next(iter(offered))


def offered_languages(survey_language: str | None, translated: list[str]) -> list[str]:
	"""The languages the page offers in its switch: crm_plus's own, then the survey's, each once."""
	offered = list(LANGUAGES)
	for language in (survey_language, *translated):
		if language and language not in offered:
			offered.append(language)
	return offered


def lines(text: str | None) -> list[str]:
	"""The non-empty lines of a text, trimmed (one option per line)."""
	return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass
class Question:
	text: str
	options: list[str] = field(default_factory=list)  # the survey's own options (the values answers store)
	choice: bool = False  # whether the question is answered by choosing options


@dataclass
class Translation:
	language: str
	question_no: int
	question: str
	options: list[str] = field(default_factory=list)


@dataclass
class Texts:
	"""A survey's texts in one language: each option as (value stored, label shown)."""

	language: str
	title: str
	introduction: str | None
	questions: list[tuple[str, list[tuple[str, str]]]]


def texts(
	language: str,
	title: str,
	introduction: str | None,
	questions: list[Question],
	headings: dict[str, tuple[str | None, str | None]],
	translations: list[Translation],
) -> Texts:
	"""The survey's texts in ``language``: its translations where it has them, its own texts elsewhere.
	``headings``: language -> (title, introduction)."""
	heading_title, heading_intro = headings.get(language, (None, None))
	by_number = {t.question_no: t for t in translations if t.language == language}
	shown = []
	for number, question in enumerate(questions, start=1):
		translation = by_number.get(number)
		labels = (
			translation.options if translation and len(translation.options) == len(question.options) else []
		)
		shown.append(
			(
				translation.question if translation and translation.question else question.text,
				list(zip(question.options, labels or question.options, strict=True)),
			)
		)
	return Texts(language, heading_title or title, heading_intro or introduction, shown)


def problems(
	survey_language: str | None,
	questions: list[Question],
	headings: list[str],
	translations: list[Translation],
) -> list[tuple[str, int, str]]:
	"""What is wrong with a survey's translations, as (table, row number, problem): a language that is the
	survey's own or is given twice, a question number the survey does not have, options for a question
	without any, or not as many options as the question has."""
	found = []
	seen = set()
	for idx, language in enumerate(headings, start=1):
		if language == survey_language:
			found.append(("languages", idx, SAME_AS_SURVEY))
		elif language in seen:
			found.append(("languages", idx, DUPLICATE))
		seen.add(language)
	seen = set()
	for idx, translation in enumerate(translations, start=1):
		key = (translation.language, translation.question_no)
		if translation.language == survey_language:
			found.append(("translations", idx, SAME_AS_SURVEY))
		elif not 1 <= translation.question_no <= len(questions):
			found.append(("translations", idx, NO_SUCH_QUESTION))
		elif key in seen:
			found.append(("translations", idx, DUPLICATE))
		else:
			question = questions[translation.question_no - 1]
			if translation.options and not question.choice:
				found.append(("translations", idx, OPTIONS_NOT_ASKED))
			elif question.choice and len(translation.options) != len(question.options):
				found.append(("translations", idx, OPTIONS_COUNT))
		seen.add(key)
	return found


def renumbered(before: list[str], after: list[str], question_no: int) -> int | None:
	"""A translation's question number once the questions moved: ``before`` and ``after`` are the
	questions' row names in their order before and after the change; None when its question is gone.
	A number that named no question before stays as it is (the controller refuses it)."""
	if not 1 <= question_no <= len(before):
		return question_no
	name = before[question_no - 1]
	return after.index(name) + 1 if name in after else None
