"""Values crm_plus stores in English and shows as labels: lifecycle stages, RFM segments, health labels,
NPS categories, touchpoint types, churn reasons, rule actions.

They stay in English where they are stored, filtered on and compared (a rule's stages, a report's filter,
the history of segments), and are translated only where they are shown, in the reader's language: each of
them is a msgid of the POT (a Select option of its doctype, or marked with ``N_``), so ``_(value)`` finds
its Chinese in ``zh.po`` and ``zh_TW.po``."""

from collections.abc import Callable

import frappe
from frappe import _

# fields (of relationships, alerts' matched values, report rows) that hold one of these labels
LABEL_FIELDS = frozenset(
	{
		"lifecycle_stage",
		"stage",
		"from_stage",
		"to_stage",
		"target_stage",
		"stage_set",
		"rfm_segment",
		"from_segment",
		"to_segment",
		"health_label",
		"from_label",
		"to_label",
		"nps_category",
		"touchpoint_type",
		"reason",
		"action",
	}
)


def N_(text: str) -> str:
	"""Marks a label for the POT (``bench generate-pot-file`` extracts ``N_``) without translating it."""
	return text


def translated(values: dict) -> dict:
	"""``values`` with each label of a label field in the current language (a copy; others untouched)."""
	return {
		key: _(value) if key in LABEL_FIELDS and isinstance(value, str) and value else value
		for key, value in values.items()
	}


def translator(keys) -> Callable[[dict], dict]:
	"""For rows with these keys: a function that gives a row with its labels in the current language (the
	row itself when none of the keys holds a label, so rows without labels are not copied)."""
	fields = [key for key in keys if key in LABEL_FIELDS]
	if not fields:
		return lambda row: row

	def shown(row: dict) -> dict:
		return {**row, **{f: _(row[f]) for f in fields if isinstance(row.get(f), str) and row[f]}}

	return shown


def translate_rows(rows: list[dict], *fields: str) -> list[dict]:
	"""Each row's labels in ``fields`` in the current language, in place; done after every query and chart
	that reads the English values. Returns the rows."""
	for row in rows:
		for field in fields:
			if isinstance(value := row.get(field), str) and value:
				row[field] = _(value)
	return rows


def options(doctype: str, fieldname: str) -> list[str]:
	"""A Select field's values in their order, without the empty one."""
	return [value for value in (frappe.get_meta(doctype).get_options(fieldname) or "").split("\n") if value]
