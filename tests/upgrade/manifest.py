"""What an upgrade must keep, as plain data (no frappe here: unit-tested in ``tests/unit``).

A manifest describes a site's crm_plus records: for every crm_plus doctype (child tables and singles
included) its records by name, each a dict of the doctype's own fields with values in a normal form that
does not depend on the line of Frappe or the database driver that read them, the count and a digest; every
Customer Relationship's figures; links from crm_plus records that point at nothing; crm_plus's indexes on
ERPNext's tables and its own; the Error Log rows crm_plus wrote. ``site.py`` writes one on each side of the upgrade, ``differences`` says what changed.
"""

import datetime
import decimal
import hashlib
import json

FORMAT = 1
NUMBER_TYPES = {"Int", "Check", "Float", "Currency", "Percent", "Rating", "Duration"}
INT_TYPES = {"Int", "Check", "Duration"}
JSON_TYPES = {"JSON"}
# decimals kept of a number: Frappe's columns keep 9 (decimal(21,9)); 6 is well above any precision shown
DECIMALS = 6
# fields that each refresh or migrate sets to its own time: their values say when, not what
VOLATILE = {"Customer Relationship": {"refreshed_on"}}
# how many differences of one kind a report lists before it says "and N more"
SHOWN = 20


def normal(value, fieldtype: str | None = None):
	"""A value as JSON-safe data that reads the same from either line of Frappe: numbers rounded (None is 0
	for a numeric field, as Frappe's NOT NULL DEFAULT 0 columns store it), dates and times in ISO form,
	JSON parsed, an empty string the same as no value."""
	if fieldtype in NUMBER_TYPES:
		if value in (None, ""):
			value = 0
		if fieldtype in INT_TYPES:
			return int(value)
		return round(float(value), DECIMALS) + 0.0  # + 0.0: no -0.0
	if value is None or value == "":
		return None
	if isinstance(value, datetime.timedelta):
		return str(value)
	if isinstance(value, datetime.datetime | datetime.date | datetime.time):
		return value.isoformat()
	if isinstance(value, decimal.Decimal):
		return round(float(value), DECIMALS) + 0.0
	if isinstance(value, bytes):
		value = value.decode()
	if fieldtype in JSON_TYPES and isinstance(value, str):
		try:
			return json.loads(value)
		except ValueError:
			return value
	if isinstance(value, int | float | str | bool | list | dict):
		return value
	return str(value)


def digest(data) -> str:
	return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def doctype_entry(fields: list[str], records: dict[str, dict]) -> dict:
	"""One doctype's part of a manifest: its fields, records by name, count and digest."""
	return {
		"fields": sorted(fields),
		"count": len(records),
		"digest": digest({name: records[name] for name in sorted(records)}),
		"records": records,
	}


def _more(items: list[str], what: str) -> list[str]:
	if len(items) <= SHOWN:
		return items
	return [*items[:SHOWN], f"... and {len(items) - SHOWN} more {what}"]


def record_differences(doctype: str, expected: dict, actual: dict) -> list[str]:
	"""What differs in one doctype: records missing or added, fields whose value changed."""
	if expected["digest"] == actual["digest"] and expected["count"] == actual["count"]:
		return []
	out = []
	if expected["count"] != actual["count"]:
		out.append(f"{doctype}: {expected['count']} records before, {actual['count']} after")
	before, after = expected["records"], actual["records"]
	missing = sorted(set(before) - set(after))
	added = sorted(set(after) - set(before))
	out += _more([f"{doctype} {name}: missing after the upgrade" for name in missing], "missing")
	out += _more([f"{doctype} {name}: not there before the upgrade" for name in added], "added")
	volatile = VOLATILE.get(doctype, set())
	changed = []
	for name in sorted(set(before) & set(after)):
		for field in sorted(before[name]):
			if field in volatile:
				continue
			if field not in after[name]:
				changed.append(f"{doctype} {name}: field {field} is gone")
			elif before[name][field] != after[name][field]:
				changed.append(
					f"{doctype} {name}: {field} was {before[name][field]!r}, is {after[name][field]!r}"
				)
	return out + _more(changed, "changed values")


def differences(expected: dict, actual: dict) -> list[str]:
	"""Everything the upgrade did not keep (records, relationship figures, links, indexes) and every error
	crm_plus logged on the way. Empty: all kept."""
	out = []
	for doctype in sorted(expected["doctypes"]):
		if doctype not in actual["doctypes"]:
			out.append(f"{doctype}: the doctype is gone")
			continue
		out += record_differences(doctype, expected["doctypes"][doctype], actual["doctypes"][doctype])
	out += figure_differences(expected["figures"], actual["figures"])
	broken = sorted(set(map(tuple, actual["dangling_links"])) - set(map(tuple, expected["dangling_links"])))
	out += _more(
		[
			f"{dt} {name}: {field} points at {target} {value}, which is not there"
			for dt, name, field, target, value in broken
		],
		"broken links",
	)
	lost = sorted(set(expected["indexes"]) - set(actual["indexes"]))
	out += [f"index {index} is gone" for index in lost]
	known = {name for name, _title in expected.get("errors", [])}
	out += _more(
		[f"Error Log {name}: {title}" for name, title in actual.get("errors", []) if name not in known],
		"errors",
	)
	return out


def figure_differences(expected: dict, actual: dict) -> list[str]:
	"""Customer Relationship figures (a customer's figures by field) that differ."""
	out = []
	for customer in sorted(set(expected) | set(actual)):
		if customer not in actual:
			out.append(f"figures of {customer}: missing")
			continue
		if customer not in expected:
			out.append(f"figures of {customer}: not there before")
			continue
		for field in sorted(expected[customer]):
			if expected[customer][field] != actual[customer].get(field):
				out.append(
					f"figures of {customer}: {field} was {expected[customer][field]!r}, is {actual[customer].get(field)!r}"
				)
	return _more(out, "figure differences")


def summary(manifest: dict) -> str:
	"""One line: how many records of how many doctypes, and figures of how many customers."""
	records = sum(entry["count"] for entry in manifest["doctypes"].values())
	filled = sum(1 for entry in manifest["doctypes"].values() if entry["count"])
	return (
		f"{records} records in {filled} of {len(manifest['doctypes'])} crm_plus doctypes, "
		f"figures of {len(manifest['figures'])} customers"
	)


def sequence_problems(sequences: dict) -> list[str]:
	"""Sequences (autoincrement doctypes) whose next value would collide with a name already used:
	``sequences`` maps a doctype to ``[next value, highest name]``."""
	return [
		f"{doctype}: the next name from its sequence is {nxt}, but {highest} is taken"
		for doctype, (nxt, highest) in sorted(sequences.items())
		if highest is not None and nxt is not None and int(nxt) <= int(highest)
	]
