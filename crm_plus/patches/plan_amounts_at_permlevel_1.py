"""Goals in money (Revenue) keep their values in the permlevel-1 ``*_amount`` fields (``plans/money.py``):
move the values existing plans and evaluations hold in the plain fields there, and empty those."""

import frappe

from crm_plus.plans.money import MONEY_UNIT

TABLES = {
	"CRM Plan Goal": ("baseline", "target", "competitor_benchmark"),
	"CRM Plan Evaluation Goal": ("baseline", "target", "actual", "competitor_benchmark"),
}


def execute():
	for doctype, fields in TABLES.items():
		moves = ", ".join(f"`{f}_amount` = `{f}`, `{f}` = 0" for f in fields)
		frappe.db.sql(
			f"update `tab{doctype}` set {moves} where unit = %s",  # nosemgrep: constant field names
			MONEY_UNIT,
		)
