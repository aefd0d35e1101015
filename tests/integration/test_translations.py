"""The compiled Chinese translations load on the site: ``frappe._`` returns them for ``zh`` and ``zh-TW``.

Needs the MO files that ``bench compile-po-to-mo --app crm_plus --force`` writes to
``sites/assets/locale/<locale>/LC_MESSAGES/crm_plus.mo`` (``.ci/run`` does it after migrating).
Strings are passed to ``frappe._`` as variables, never as literals, so that
``bench generate-pot-file`` (which scans the whole repository) does not pick this file up as a source.
Frappe caches the merged translations of a language in redis (``merged_translations``), so the tests drop
that entry before and after switching ``frappe.local.lang``.
"""

from pathlib import Path

import frappe
import pytest
from frappe.gettext.translate import get_mo_path
from frappe.translate import MERGED_TRANSLATION_KEY, get_all_translations

from tests.unit.test_translations import LOCALE_DIR, read_po

LANGS = {"zh": "zh", "zh-TW": "zh_TW"}  # Frappe's language code -> gettext locale of the PO/MO file
COMPILE = "bench compile-po-to-mo --app crm_plus --force"


def _drop_cached_translations():
	for lang in LANGS:
		frappe.cache.hdel(MERGED_TRANSLATION_KEY, lang)


@pytest.fixture
def in_lang():
	"""Switch frappe.local.lang (with fresh translations); always back to English afterwards."""

	def switch(lang):
		_drop_cached_translations()
		frappe.local.lang = lang

	yield switch
	frappe.local.lang = "en"
	_drop_cached_translations()


@pytest.mark.parametrize("locale", LANGS.values())
def test_mo_files_are_compiled_and_current(locale):
	mo, po = Path(get_mo_path("crm_plus", locale)), LOCALE_DIR / f"{locale}.po"
	assert mo.is_file(), f"{mo} is missing: run {COMPILE}"
	assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than {po.name}: run {COMPILE}"


@pytest.mark.parametrize(
	("lang", "expected"),
	[
		(
			"zh",
			{
				"Customer Touchpoint": "客户触点",
				"Lifecycle Rule": "生命周期规则",
				"Account Owner": "客户负责人",
			},
		),
		(
			"zh-TW",
			{
				"Customer Touchpoint": "客戶觸點",
				"Lifecycle Rule": "生命週期規則",
				"Account Owner": "客戶負責人",
			},
		),
	],
)
def test_underscore_returns_chinese(in_lang, lang, expected):
	in_lang(lang)
	for msgid, translation in expected.items():
		assert frappe._(msgid) == translation


@pytest.mark.parametrize(
	("lang", "msgid", "args", "expected"),
	[
		("zh", "Not permitted to read Customer {0}", ("CUST-1",), "无权读取客户 CUST-1"),
		("zh-TW", "{0} customers match now", (5,), "目前有 5 位客戶符合條件"),
	],
)
def test_format_fields_survive_translation(in_lang, lang, msgid, args, expected):
	in_lang(lang)
	assert frappe._(msgid).format(*args) == expected


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_of_the_po_file_loads(in_lang, lang):
	"""zh-TW gets its own Traditional strings, not the zh fallback, for every msgid."""
	in_lang(lang)
	translations = get_all_translations(lang)
	wrong = {
		msgid: (translations.get(msgid), entry.msgstr)
		for (context, msgid), entry in read_po(LOCALE_DIR / f"{LANGS[lang]}.po").items()
		if context is None and translations.get(msgid) != entry.msgstr
	}
	assert (
		not wrong
	), f"{lang}: {len(wrong)} strings differ from the PO file (stale MO? run {COMPILE}): {wrong}"


def test_english_is_back_after_the_switch(in_lang):
	msgid = "Customer Touchpoint"
	in_lang("zh-TW")
	assert frappe._(msgid) == "客戶觸點"
	in_lang("en")
	assert frappe._(msgid) == msgid


def extracted_messages() -> set[tuple[str | None, str]]:
	"""Every (context, msgid) that ``bench generate-pot-file --app crm_plus`` finds in the app's sources,
	extracted the same way (Frappe's extractors, the app's ``babel_extractors.csv`` first). The bench's
	``apps/crm_plus`` path is walked, not the resolved checkout, because Frappe's hooks extractor needs
	paths inside the bench."""
	import os

	from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
	from frappe.gettext.translate import get_method_map
	from frappe.utils import get_bench_path

	keywords = DEFAULT_KEYWORDS.copy()
	keywords["_lt"] = None

	def directory_filter(dirpath):
		name = os.path.basename(dirpath)
		return not (name.startswith(".") or name.startswith("_") or name in ("node_modules", "dist"))

	found = set()
	for _filename, _lineno, message, _comments, context in extract_from_dir(
		os.path.join(get_bench_path(), "apps", "crm_plus"),
		get_method_map("crm_plus") + get_method_map("frappe"),
		directory_filter=directory_filter,
		keywords=keywords,
	):
		if message:
			found.add((context, message))
	return found


@pytest.mark.parametrize("locale", LANGS.values())
def test_every_string_of_the_app_is_translated(locale):
	"""A new user-facing string (Python, JS, doctype, report, workspace, web form, template) fails this test
	until ``zh.po`` and ``zh_TW.po`` translate it: regenerate the POT, update the PO files, translate."""
	po = read_po(LOCALE_DIR / f"{locale}.po")
	missing = sorted(
		msgid
		for context, msgid in extracted_messages()
		if not getattr(po.get((context, msgid)), "msgstr", "")
	)
	assert not missing, f"{locale}.po lacks {len(missing)} strings, e.g. {missing[:20]}"


def test_registry_names_shown_to_users_are_in_the_pot():
	"""KPI names and units, condition labels and parameter labels are stored keys shown through ``_()``:
	they must be extracted (so they get translated), not only typed in the registry."""
	from crm_plus.lifecycle.conditions import registry
	from crm_plus.plans.kpis import KPIS

	shown = {kpi.name for kpi in KPIS.values()} | {kpi.unit for kpi in KPIS.values()} - {"%"}
	for condition in registry().values():
		shown |= {condition.label, *(parameter.label for parameter in condition.parameters)}
	extracted = {msgid for _context, msgid in extracted_messages()}
	assert not shown - extracted, sorted(shown - extracted)
