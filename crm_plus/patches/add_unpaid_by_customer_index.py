"""Existing sites get crm_plus's index for grouping unpaid invoices by customer (Collections Follow-up)."""

from crm_plus.install import add_erpnext_indexes


def execute():
	add_erpnext_indexes()
