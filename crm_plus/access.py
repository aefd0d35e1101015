"""Who may read amounts of money: each doctype that carries them keeps them at permlevel 1."""

import frappe


def can_read_money(doctype: str, user: str | None = None) -> bool:
	"""Whether ``user`` (default: the session user) may read ``doctype``'s permlevel-1 fields."""
	return 1 in frappe.get_meta(doctype).get_permlevel_access("read", user=user)
