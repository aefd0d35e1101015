"""What a page in Chinese shows of crm_plus's own strings untranslated, or in the wrong script.

``untranslated(desk)`` reads every visible text of the page (text nodes, SVG chart labels and legends, the
options of visible selects, placeholders) and returns those that are

- a crm_plus string (a msgid of ``crm_plus/locale/main.pot``, data labels included: stages, RFM segments,
  health labels, NPS categories, touchpoint types, churn reasons are all msgids) left in English;
- on a ``zh-TW`` page: crm_plus's Simplified translation where the Traditional one differs (the zh
  fallback, e.g. 最低金额 for 最低金額);
- on a ``zh`` page: crm_plus's Traditional translation where the Simplified one differs.

Frappe's own version history ("changed Status from Draft to Active") shows stored values untranslated for
every app's documents and is left out.

A text matches when it is the whole (trimmed) text of its node, or a msgid with format fields
(``{0} customers match now``) whose fixed words are all there, so an English word inside a customer's name
or a user's text is never taken for an untranslated label.
"""

import re
from functools import cache

from tests.unit.test_translations import (
	LOCALE_DIR,
	PLACEHOLDER,
	POT,
	SAME_IN_EVERY_LANGUAGE,
	SIMPLIFIED_ONLY,
	read_po,
)

# every visible text of the page, once each
VISIBLE_TEXTS = """() => {
	const visible = (el) => {
		if (!el || !el.isConnected) return false;
		if (el.closest('[hidden], .hidden, .hide, template, script, style, noscript')) return false;
		const style = getComputedStyle(el);
		if (style.display === 'none' || style.visibility === 'hidden') return false;
		return el.getClientRects().length > 0;
	};
	const texts = new Set();
	const own = new Set();  // texts crm_plus renders itself (its own blocks: class crm-plus-...)
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		const text = node.textContent.replace(/\\s+/g, ' ').trim();
		// Frappe's version history shows values as they are stored, for every app's documents: not crm_plus's
		if (node.parentElement.closest('a[href*="/version/"]')) continue;  // /app/… (v15), /desk/… (v16)
		// a document's title in the breadcrumb and the form sidebar is its data; v16 shows a Single's name
		// there as stored (every app's settings, Frappe's own included), v15 translates it
		if (node.parentElement.closest('.title-text-form, .form-sidebar .form-title-text')) continue;
		if (text && visible(node.parentElement)) {
			texts.add(text);
			if (node.parentElement.closest('[class*="crm-plus"]')) own.add(text);
		}
	}
	document.querySelectorAll('select').forEach((select) => {
		if (visible(select)) select.querySelectorAll('option').forEach((o) => o.text.trim() && texts.add(o.text.trim()));
	});
	document.querySelectorAll('input[placeholder], textarea[placeholder]').forEach((input) => {
		if (visible(input) && input.placeholder.trim()) texts.add(input.placeholder.trim());
	});
	// what the desk's own strings translate to (Frappe's and ERPNext's too): a Simplified text one of them
	// gives may be theirs (zh-TW falls back to their zh), not crm_plus's
	const translations = Object.entries(window.frappe?._messages || {});
	return {texts: [...texts], own: [...own], translations};
}"""

# words of a text that say nothing about its language
_PUNCTUATION = "\\s:*\u2022\u00b7\\-\u2013\u2014\uff1a"  # and the full-width colon
_TRIM = re.compile(f"^[{_PUNCTUATION}(\uff08]+|[{_PUNCTUATION})\uff09.\u3002]+$")
_WORDS = re.compile(r"[A-Za-z]{2,}")


def _pattern(msgid: str) -> re.Pattern | None:
	"""A msgid with format fields as a pattern of its fixed parts (each field: any text)."""
	parts = PLACEHOLDER.split(msgid)
	if len(parts) < 2 or not _WORDS.search("".join(parts)):
		return None
	return re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$", re.DOTALL)


@cache
def _catalogs():
	pot, zh, tw = (read_po(path) for path in (POT, LOCALE_DIR / "zh.po", LOCALE_DIR / "zh_TW.po"))
	english, patterns, simplified, traditional = set(), [], {}, {}
	for key in pot:
		msgid = key[1]
		zh_text, tw_text = getattr(zh.get(key), "msgstr", ""), getattr(tw.get(key), "msgstr", "")
		if msgid in SAME_IN_EVERY_LANGUAGE or not _WORDS.search(PLACEHOLDER.sub("", msgid)):
			continue
		if pattern := _pattern(msgid):
			patterns.append((msgid, pattern))
		else:
			english.add(msgid)
		if zh_text and tw_text and zh_text != tw_text and not PLACEHOLDER.search(msgid):
			simplified[zh_text] = (msgid, tw_text)
			traditional[tw_text] = (msgid, zh_text)
	return english, patterns, simplified, traditional, {msgid for _context, msgid in pot}


def _covers(msgid: str, text: str) -> bool:
	"""A msgid with fields matches a text only when its own words make at least half of the text's."""
	own = sum(len(word) for word in _WORDS.findall(PLACEHOLDER.sub(" ", msgid)))
	return 2 * own >= sum(len(word) for word in _WORDS.findall(text))


def problems(texts: list[str], lang: str, own: list[str] = (), others: dict | None = None) -> list[str]:
	"""The texts that are crm_plus strings untranslated or in the other script, with what they should be.

	``own``: texts of crm_plus's own blocks, where any Simplified-only character on a zh-TW page is
	wrong; ``others``: translations of the desk's other strings (msgid -> text), whose texts are not
	taken for crm_plus's."""
	if lang not in ("zh", "zh-TW"):
		return []
	english, patterns, simplified, traditional, pot = _catalogs()
	theirs = {text for msgid, text in (others or {}).items() if msgid not in pot}
	found = []
	for raw in texts:
		text = _TRIM.sub("", raw)
		if not text:
			continue
		if text in english:
			found.append(f"English: {text!r}")
		elif _WORDS.search(text) and (
			msgid := next((m for m, p in patterns if p.match(text) and _covers(m, text)), None)
		):
			found.append(f"English: {text!r} ({msgid!r})")
		elif lang == "zh-TW" and text in simplified and text not in theirs:
			msgid, tw_text = simplified[text]
			found.append(f"Simplified: {text!r} for {msgid!r} (zh-TW: {tw_text!r})")
		elif lang == "zh" and text in traditional and text not in theirs:
			msgid, zh_text = traditional[text]
			found.append(f"Traditional: {text!r} for {msgid!r} (zh: {zh_text!r})")
	if lang == "zh-TW":
		found += [f"Simplified in crm_plus's block: {text!r}" for text in own if SIMPLIFIED_ONLY & set(text)]
	return sorted(set(found))


def untranslated(desk_or_page, lang: str | None = None) -> list[str]:
	"""What a page (a :class:`Desk`'s, or a Playwright page in ``lang``) shows of crm_plus's strings
	untranslated (nothing on an English page)."""
	page = getattr(desk_or_page, "page", desk_or_page)
	lang = lang or desk_or_page.lang
	found = page.evaluate(VISIBLE_TEXTS)
	return problems(found["texts"], lang, found["own"], dict(found["translations"]))


def assert_translated(desk_or_page, lang: str | None = None, where: str = "") -> None:
	page = getattr(desk_or_page, "page", desk_or_page)
	lang = lang or desk_or_page.lang
	found = untranslated(page, lang)
	assert not found, f"{where or page.url} ({lang}) shows crm_plus strings untranslated: {found}"
