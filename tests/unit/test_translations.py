"""The Chinese translations (``crm_plus/locale/zh.po``, ``zh_TW.po``) cover the whole POT file, correctly.

Plain pytest: the gettext files are read by the small parser below (standard library only), so this runs
without frappe or babel. The files are Frappe v15's: ``bench generate-pot-file --app crm_plus`` writes
``main.pot``, ``bench update-po-files --app crm_plus`` syncs the PO files with it and
``bench compile-po-to-mo --app crm_plus`` compiles them. Frappe looks for ``zh_TW`` (underscore), never
``zh-TW``; for a string that ``zh_TW`` lacks it falls back to ``zh``, i.e. to Simplified characters, so
``zh_TW`` has to be complete on its own.
"""

import re
from pathlib import Path
from typing import NamedTuple

import pytest

LOCALE_DIR = Path(__file__).resolve().parents[2] / "crm_plus" / "locale"
POT = LOCALE_DIR / "main.pot"
LOCALES = ("zh", "zh_TW")

# Python/JS format fields ({0}, {name}), %-style fields (%s, %(name)s), Jinja ({{ … }}, {% … %})
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[^{}\s]*\}|%\([^)]+\)[sdifr]|%[sdifr]")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
CJK = re.compile(r"[\u3400-\u9fff]")
# Characters that exist only in Simplified script (their Traditional forms in brackets are what zh_TW uses)
SIMPLIFIED_ONLY = set(
	"户"  # 戶
	"触"  # 觸
	"计"  # 計
	"划"  # 劃
	"规"  # 規
	"则"  # 則
	"阶"  # 階
	"评"  # 評
	"设"  # 設
	"单"  # 單
	"据"  # 據
	"发"  # 發
	"货"  # 貨
	"报"  # 報
	"价"  # 價
	"订"  # 訂
	"销"  # 銷
	"预"  # 預
	"负"  # 負
	"责"  # 責
	"关"  # 關
	"开"  # 開
	"为"  # 為
	"于"  # 於
	"从"  # 從
	"个"  # 個
	"时"  # 時
	"间"  # 間
	"数"  # 數
	"项"  # 項
	"队"  # 隊
	"务"  # 務
	"员"  # 員
	"态"  # 態
	"录"  # 錄
	"启"  # 啟
	"这"  # 這
	"选"  # 選
	"择"  # 擇
	"实"  # 實
	"际"  # 際
	"无"  # 無
	"达"  # 達
	"标"  # 標
	"权"  # 權
	"额"  # 額
	"运"  # 運
	"应"  # 應
	"还"  # 還
	"进"  # 進
	"门"  # 門
	"条"  # 條
	"览"  # 覽
	"邮"  # 郵
	"电"  # 電
	"话"  # 話
)
# msgids that stay as they are in every language (product name, abbreviation, markup around the name)
SAME_IN_EVERY_LANGUAGE = {"CRM Plus", "KPI", '<span class="h4"><b>CRM Plus</b></span>'}


class Entry(NamedTuple):
	context: str | None
	msgid: str
	msgstr: str
	flags: frozenset[str]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
	text = text.strip()
	if len(text) < 2 or text[0] != '"' or text[-1] != '"':
		raise ValueError(f"not a quoted PO string: {text!r}")
	return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> dict[tuple[str | None, str], Entry]:
	"""Entries of a .po/.pot file keyed by (msgctxt, msgid); the header (empty msgid) and obsolete entries
	(``#~``) are left out. Plural forms keep ``msgstr[0]``."""
	entries: dict[tuple[str | None, str], Entry] = {}
	fields: dict[str, str] = {}
	flags: set[str] = set()
	current: str | None = None

	def flush():
		nonlocal fields, flags, current
		if fields.get("msgid"):
			msgstr = fields.get("msgstr", fields.get("msgstr[0]", ""))
			entry = Entry(fields.get("msgctxt"), fields["msgid"], msgstr, frozenset(flags))
			entries[(entry.context, entry.msgid)] = entry
		fields, flags, current = {}, set(), None

	for raw in path.read_text(encoding="utf-8").splitlines():
		line = raw.strip()
		if not line:
			flush()
		elif line.startswith("#,"):
			if "msgid" in fields:
				flush()
			flags.update(flag.strip() for flag in line[2:].split(","))
		elif line.startswith("#"):
			if "msgid" in fields and current != "comment":
				flush()
			current = "comment"
		elif line.startswith('"'):
			if current in (None, "comment"):
				raise ValueError(f"{path}: continuation line without a keyword: {raw!r}")
			fields[current] += _unquote(line)
		else:
			keyword, _, rest = line.partition(" ")
			if keyword in ("msgctxt", "msgid") and "msgid" in fields:
				flush()
			fields[keyword] = _unquote(rest)
			current = keyword
	flush()
	return entries


def placeholders(text: str) -> list[str]:
	return sorted(PLACEHOLDER.findall(text))


def html_tags(text: str) -> list[str]:
	return sorted(HTML_TAG.findall(text))


@pytest.fixture(scope="module")
def pot() -> dict:
	return read_po(POT)


@pytest.fixture(scope="module", params=LOCALES)
def locale(request) -> tuple[str, dict]:
	return request.param, read_po(LOCALE_DIR / f"{request.param}.po")


def test_parser_reads_multiline_and_escaped_strings(tmp_path):
	po = tmp_path / "x.po"
	po.write_text(
		'msgid ""\nmsgstr ""\n"Language: zh\\n"\n\n'
		"#. a comment\n#: a.py:1\n#, fuzzy, python-format\n"
		'msgid ""\n"Line \\"one\\"\\n"\n"line two"\nmsgstr "一\\n二"\n\n'
		'msgctxt "Coins"\nmsgid "Change"\nmsgstr "零钱"\n\n'
		'#~ msgid "Gone"\n#~ msgstr "没了"\n',
		encoding="utf-8",
	)
	entries = read_po(po)
	assert set(entries) == {(None, 'Line "one"\nline two'), ("Coins", "Change")}
	assert entries[(None, 'Line "one"\nline two')].msgstr == "一\n二"
	assert entries[(None, 'Line "one"\nline two')].flags == {"fuzzy", "python-format"}
	assert entries[("Coins", "Change")].msgstr == "零钱"


def test_pot_has_the_apps_strings(pot):
	msgids = {msgid for _, msgid in pot}
	# one of each source: doctype JSON, Python _(), JS __(), workspace, print format Jinja
	assert {
		"Customer Touchpoint",
		"Only a CRM Manager or System Manager can run lifecycle rules.",
		"Backfill queued. Progress is shown here while it runs.",
		"CRM Plus",
		"Weighted Score",
	} <= msgids
	assert len(msgids) > 300


def test_locale_files_are_named_the_way_frappe_finds_them():
	assert (LOCALE_DIR / "zh.po").is_file()
	assert (LOCALE_DIR / "zh_TW.po").is_file()
	assert not (LOCALE_DIR / "zh-TW.po").exists(), "Frappe never reads zh-TW.po; the file must be zh_TW.po"
	for code in LOCALES:
		header = (LOCALE_DIR / f"{code}.po").read_text(encoding="utf-8").split("\n\n", 1)[0]
		assert f'"Language: {code}\\n"' in header


def test_every_pot_string_is_translated(pot, locale):
	code, po = locale
	missing = [msgid for key, (_, msgid, _, _) in pot.items() if key not in po or not po[key].msgstr.strip()]
	assert not missing, f"{code}.po lacks {len(missing)} translation(s), e.g. {missing[:5]}"


def test_no_fuzzy_translations(pot, locale):
	code, po = locale
	fuzzy = [entry.msgid for entry in po.values() if "fuzzy" in entry.flags]
	assert not fuzzy, f"{code}.po has fuzzy entries: {fuzzy[:5]}"


def test_translations_are_chinese(pot, locale):
	code, po = locale
	untranslated = [
		msgid
		for key in pot
		if key in po
		and (msgid := key[1]) not in SAME_IN_EVERY_LANGUAGE
		and re.search(
			"[A-Za-z]{2,}", PLACEHOLDER.sub("", msgid)
		)  # has words, not just fields and punctuation
		and not CJK.search(po[key].msgstr)
	]
	assert not untranslated, f"{code}.po: not translated into Chinese: {untranslated[:5]}"


def test_placeholders_and_markup_are_kept(pot, locale):
	code, po = locale
	for key in pot:
		if key not in po:
			continue
		msgid, msgstr = key[1], po[key].msgstr
		assert placeholders(msgstr) == placeholders(msgid), f"{code}.po: placeholders of {msgid!r}"
		assert html_tags(msgstr) == html_tags(msgid), f"{code}.po: HTML of {msgid!r}"


def test_placeholder_pattern():
	assert placeholders("{0}: {1} of {2}") == ["{0}", "{1}", "{2}"]
	assert placeholders("{days} and {days} ({x}%)") == ["{days}", "{days}", "{x}"]
	assert placeholders("%s and %(name)s, {{ doc.name }} {% if x %}") == [
		"%(name)s",
		"%s",
		"{% if x %}",
		"{{ doc.name }}",
	]
	assert placeholders("Drop (%) by X%") == []


def test_traditional_is_not_simplified():
	zh = read_po(LOCALE_DIR / "zh.po")
	tw = read_po(LOCALE_DIR / "zh_TW.po")
	simplified_in_tw = {
		msgid: entry.msgstr for (_, msgid), entry in tw.items() if SIMPLIFIED_ONLY & set(entry.msgstr)
	}
	assert not simplified_in_tw, f"zh_TW.po has Simplified characters: {simplified_in_tw}"
	same = [
		msgid
		for key, (_, msgid, msgstr, _) in zh.items()
		if SIMPLIFIED_ONLY & set(msgstr) and key in tw and tw[key].msgstr == msgstr
	]
	assert not same, f"zh_TW.po copies Simplified translations: {same[:5]}"


@pytest.mark.parametrize(
	("msgid", "simplified", "traditional"),
	[
		("Customer Touchpoint", "客户触点", "客戶觸點"),
		("Customer", "客户", "客戶"),
		("Lifecycle", "生命周期", "生命週期"),
		("Account Owner", "客户负责人", "客戶負責人"),
		("Dunning", "催款单", "催款單"),
		("Quotation", "报价单", "報價單"),
		("Sales Order", "销售订单", "銷售訂單"),
	],
)
def test_known_terms(msgid, simplified, traditional):
	zh = read_po(LOCALE_DIR / "zh.po")[(None, msgid)].msgstr
	tw = read_po(LOCALE_DIR / "zh_TW.po")[(None, msgid)].msgstr
	assert zh == simplified
	assert tw == traditional
	assert zh != tw
	assert set(tw) & set("戶觸週單報價銷訂負責")
