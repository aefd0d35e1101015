"""Goals in money (Revenue) keep their values in the permlevel-1 ``*_amount`` fields (``plans/money.py``):
move the values existing plans and evaluations hold in the plain fields there, and empty those.

Only a value still in a plain field moves, so the patch can run again (a site restored from a backup made
before its Patch Log row, a migrate to another line of Frappe) without emptying the amounts it moved."""

import frappe
from frappe.query_builder.functions import Coalesce

from crm_plus.plans.money import MONEY_UNIT

TABLES = {
	"CRM Plan Goal": ("baseline", "target", "competitor_benchmark"),
	"CRM Plan Evaluation Goal": ("baseline", "target", "actual", "competitor_benchmark"),
}


def execute():
	for doctype, fields in TABLES.items():
		table = frappe.qb.DocType(doctype)
		for field in fields:
			(
				frappe.qb.update(table)
				.set(table[f"{field}_amount"], table[field])
				.set(table[field], 0)
				.where(table.unit == MONEY_UNIT)
				.where(Coalesce(table[field], 0) != 0)
			).run()
