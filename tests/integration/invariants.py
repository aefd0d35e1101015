"""Every submitted or cancelled Sales Invoice and customer Payment Entry has exactly one touchpoint, in
the matching status (Active / Cancelled)."""

import frappe

CHECKS = (
	("Sales Invoice", ("Invoice", "Credit Note"), ""),
	(
		"Payment Entry",
		("Payment", "Refund"),
		"and src.party_type = 'Customer' and src.payment_type in ('Receive', 'Pay')",
	),
)


def violations(doctype: str, types: tuple[str, ...], extra: str = "") -> list:
	return frappe.db.sql(
		f"""
		select src.name, src.docstatus, count(tp.name) as touchpoints,
			sum(tp.status = case when src.docstatus = 2 then 'Cancelled' else 'Active' end) as matching
		from `tab{doctype}` src
		left join `tabCustomer Touchpoint` tp
			on tp.reference_doctype = %(doctype)s and tp.reference_name = src.name
			and tp.touchpoint_type in %(types)s
		where src.docstatus in (1, 2) and src.creation >= %(since)s {extra}
		group by src.name, src.docstatus
		having count(tp.name) != 1 or coalesce(matching, 0) != 1
		limit 20
		""",  # nosemgrep
		{"doctype": doctype, "types": types, "since": installed_on()},
		as_dict=True,
	)


def checked(doctype: str, extra: str = "") -> int:
	"""How many documents the check covers right now."""
	return frappe.db.sql(
		f"select count(*) from `tab{doctype}` src where src.docstatus in (1, 2) and src.creation >= %s {extra}",  # nosemgrep
		installed_on(),
	)[0][0]


def installed_on():
	"""Documents made before crm_plus was installed get their touchpoints from the backfill, not hooks."""
	return frappe.db.get_value("Installed Application", {"app_name": "crm_plus"}, "creation") or "2000-01-01"


def document_violation(doc) -> str | None:
	"""Right after a successful submit or cancel: the document's touchpoints match its status."""
	from crm_plus.touchpoints.sources import get_source

	source = get_source(doc.doctype)
	if not source or doc.docstatus not in (1, 2):
		return None
	expected = "Cancelled" if doc.docstatus == 2 else "Active"
	customers = source.customers(doc)
	rows = frappe.get_all(
		"Customer Touchpoint",
		filters={
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"touchpoint_type": ("!=", "Overdue"),
		},
		fields=["customer", "status"],
	)
	if sorted(r.customer for r in rows) != sorted(customers) or any(r.status != expected for r in rows):
		return f"{doc.doctype} {doc.name} (docstatus {doc.docstatus}, customers {customers}): {rows}"
	return None
