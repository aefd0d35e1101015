"""Whitelisted reads of one customer's relationship: thin, typed, permission-checked."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import escape_html, fmt_money, get_datetime, getdate

from crm_plus.access import can_read_money
from crm_plus.compat import desk_path
from crm_plus.touchpoints import summaries
from crm_plus.touchpoints.kinds import MANUAL_TYPES

TIMELINE_FIELDS = [
	"name",
	"touchpoint_type",
	"posting_date",
	"status",
	"channel",
	"direction",
	"reference_doctype",
	"reference_name",
	"summary",
	"user",
	"creation",
]
AMOUNT_FIELDS = ["currency", "amount", "base_amount"]
SUMMARY_FIELDS = [
	"lifecycle_stage",
	"account_owner",
	"last_purchase_date",
	"last_payment_date",
	"last_touchpoint_date",
	"invoice_count",
	"touchpoints_90d",
	"avg_days_to_pay",
	"currency",
	"lifetime_revenue",
	"outstanding_amount",
	"overdue_amount",
]


def _check_customer(customer: str):
	if not frappe.has_permission("Customer", "read", customer):
		frappe.throw(_("Not permitted to read Customer {0}").format(customer), frappe.PermissionError)


@frappe.whitelist()
def get_timeline(customer: str, start: int = 0, page_length: int = 20) -> list[dict]:
	"""One customer's touchpoints, newest first, paginated; amounts only for those allowed to see them."""
	_check_customer(customer)
	if not frappe.has_permission("Customer Touchpoint", "read"):
		frappe.throw(_("Not permitted to read Customer Touchpoints"), frappe.PermissionError)
	fields = TIMELINE_FIELDS + (AMOUNT_FIELDS if can_read_money("Customer Touchpoint") else [])
	return frappe.get_list(
		"Customer Touchpoint",
		filters={"customer": customer},
		fields=fields,
		order_by="posting_date desc, name desc",
		limit_start=max(int(start), 0),
		limit=min(max(int(page_length), 1), 100),
	)


@frappe.whitelist()
def get_relationship_summary(customer: str) -> dict | None:
	"""The Customer Relationship fields this user may read (financial figures need permlevel 1)."""
	_check_customer(customer)
	if not frappe.db.exists("Customer Relationship", customer):
		return None
	doc = frappe.get_doc("Customer Relationship", customer)
	doc.check_permission("read")
	doc.apply_fieldlevel_read_permissions()
	return {field: doc.get(field) for field in SUMMARY_FIELDS}


@frappe.whitelist(methods=["GET"])
def before_backfill() -> dict:
	"""What the backfill would do (CRM Plus Settings button), before it is started: writes nothing."""
	frappe.get_doc("CRM Plus Settings").check_permission("write")
	from crm_plus.touchpoints import backfill

	return backfill.plan()


@frappe.whitelist(methods=["POST"])
def start_backfill() -> dict:
	"""Queue the backfill (CRM Plus Settings button), unless one runs already: says which."""
	frappe.get_doc("CRM Plus Settings").check_permission("write")
	from crm_plus.touchpoints import backfill

	return backfill.start(frappe.session.user)


def timeline_content(doctype: str, docname: str) -> list[dict]:
	"""``additional_timeline_content`` hook: a Customer's latest touchpoints in its form timeline."""
	if doctype != "Customer" or not frappe.has_permission("Customer Touchpoint", "read"):
		return []
	limit = frappe.get_cached_doc("CRM Plus Settings").timeline_limit or 50
	rows = get_timeline(docname, 0, limit)
	for name, summary in summaries.shown(rows).items():  # crm_plus's own summaries in the reader's language
		next(row for row in rows if row.name == name).summary = summary
	return [
		{
			"icon": _icon(row),
			"creation": _when(row),
			"content": _timeline_html(row),
		}
		for row in rows
	]


def _icon(row) -> str:
	"""An e-mail shows an envelope, a call, meeting or visit a phone, a document a file."""
	if row.touchpoint_type == "Email":
		return "mail"
	return "call" if row.touchpoint_type in ("Call", "Meeting", "Visit") else "file"


def _when(row) -> datetime:
	"""The touchpoint's date at the time of day it was recorded: a call logged a minute ago shows
	"1 minute ago", not the hours since midnight."""
	recorded = get_datetime(row.creation)
	return datetime.combine(getdate(row.posting_date), recorded.time()) if recorded else row.posting_date


@frappe.whitelist(methods=["GET"])
def manual_types() -> list[str]:
	"""The touchpoint types staff log by hand, in the order of the Touchpoint Type field."""
	if not frappe.has_permission("Customer Touchpoint", "read"):
		frappe.throw(_("Not permitted to read Customer Touchpoints"), frappe.PermissionError)
	options = frappe.get_meta("Customer Touchpoint").get_options("touchpoint_type").split("\n")
	return [t for t in options if t in MANUAL_TYPES]


# how the timeline marks a touchpoint's direction at a glance, beside its translated name
DIRECTION_ARROWS = {"Outbound": "↗", "Inbound": "↙"}


def _timeline_html(row) -> str:
	parts = [f"<b>{escape_html(_(row.touchpoint_type))}</b>"]
	if row.get("channel") or row.get("direction"):
		# the channel and direction at a glance, as the touchpoint list filters them
		shown = " ".join(
			_(part) if part in (row.channel, row.direction) else part
			for part in (row.channel, DIRECTION_ARROWS.get(row.direction), row.direction)
			if part
		)
		parts.append(
			f'<span class="crm-plus-channel text-muted" data-channel="{escape_html(row.channel or "")}"'
			f' data-direction="{escape_html(row.direction or "")}">{escape_html(shown)}</span>'
		)
	if row.reference_name:
		url = desk_path(frappe.scrub(row.reference_doctype).replace("_", "-"), row.reference_name)
		parts.append(f'<a href="{escape_html(url)}">{escape_html(row.reference_name)}</a>')
	if row.reference_name and row.get("amount") is not None and row.get("currency"):
		parts.append(escape_html(fmt_money(row.amount, currency=row.currency)))
	if row.status != "Active":
		parts.append(f'<span class="indicator-pill red">{escape_html(_(row.status))}</span>')
	if row.summary:
		parts.append(escape_html(row.summary))
	return " · ".join(parts)
