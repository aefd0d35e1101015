"""*My Customers Today*: an account manager's day on one page (``page/my_customers_today``).

- **My open alerts**: the lifecycle alerts the user is responsible for, newest first, each with why it was
  raised (amounts only for who may read them) and one click to log the call that answers it.
- **Overdue**, **today** and **next follow-ups**: the user's open ToDos before today, on it, and in the next
  two weeks (the follow-ups their calls planned, the ToDos of alerts not listed above, anything assigned to
  them), each with the customer it concerns when the user may read it.

Everything is read with the user's own permissions (``frappe.get_list``).
"""

import frappe
from frappe import _
from frappe.utils import getdate, strip_html

from crm_plus.lifecycle.actions import can_read_money
from crm_plus.touchpoints import agenda

ALERTS = 50
TODOS = 200
UPCOMING_DAYS = 14
# ToDos whose document belongs to one customer: where to find it
CUSTOMER_FIELD = {
	"Customer Touchpoint": "customer",
	"Lifecycle Alert": "customer",
	"Feedback Response": "customer",
}


@frappe.whitelist(methods=["GET"])
def get_my_day() -> dict:
	"""The session user's open alerts and open ToDos (overdue, today, upcoming)."""
	frappe.has_permission("Customer Touchpoint", "read", throw=True)
	user = frappe.session.user
	alerts = _alerts(user)
	listed = {str(a["name"]) for a in alerts}
	todos = [
		t
		for t in _todos(user)
		if not (t["reference_type"] == "Lifecycle Alert" and str(t["reference_name"]) in listed)
	]
	day = agenda.split_day(todos, getdate(), UPCOMING_DAYS)
	return {
		"date": getdate(),
		"alerts": alerts,
		"overdue": day[agenda.OVERDUE],
		"today": day[agenda.TODAY],
		"upcoming": day[agenda.UPCOMING],
		"can_log": bool(frappe.has_permission("Customer Touchpoint", "create")),
	}


def _alerts(user: str) -> list[dict]:
	if not frappe.has_permission("Lifecycle Alert", "read"):
		return []
	rows = frappe.get_list(
		"Lifecycle Alert",
		filters={"status": "Open", "responsible_user": user},
		fields=["name", "customer", "rule", "matched_on"],
		order_by="matched_on desc",
		limit_page_length=ALERTS,
	)
	names = _customer_names({row.customer for row in rows})
	money = can_read_money(user)
	for row in rows:
		doc = frappe.get_doc("Lifecycle Alert", row.name)
		row.explanation = doc.render_explanation(money)
		row.customer_name = names.get(row.customer, row.customer)
	return rows


def _todos(user: str) -> list[dict]:
	rows = frappe.get_list(
		"ToDo",
		filters={"allocated_to": user, "status": "Open"},
		fields=["name", "description", "date", "priority", "reference_type", "reference_name"],
		order_by="date asc",
		limit_page_length=TODOS,
	)
	customers = _todo_customers(rows)
	names = _customer_names(set(customers.values()))
	for row in rows:
		row.date = getdate(row.date) if row.date else None
		row.description = strip_html(row.description or "").strip()
		customer = customers.get((row.reference_type, str(row.reference_name)))
		row.customer = customer if customer in names else None
		row.customer_name = names.get(customer)
		row.reference_label = _(row.reference_type) if row.reference_type else None
	return rows


def _todo_customers(rows) -> dict[tuple[str, str], str]:
	"""(reference type, name) -> customer, for the ToDos about one customer's records."""
	out = {}
	wanted: dict[str, set[str]] = {}
	for row in rows:
		if row.reference_type == "Customer":
			out[row.reference_type, str(row.reference_name)] = row.reference_name
		elif row.reference_type in CUSTOMER_FIELD and row.reference_name:
			wanted.setdefault(row.reference_type, set()).add(row.reference_name)
	for doctype, names in wanted.items():
		field = CUSTOMER_FIELD[doctype]
		for name, customer in frappe.get_all(
			doctype, filters={"name": ("in", list(names))}, fields=["name", field], as_list=True
		):
			out[doctype, str(name)] = customer
	return out


def _customer_names(customers: set[str]) -> dict[str, str]:
	"""Names of the customers the user may read (the others are not named)."""
	customers = {c for c in customers if c}
	if not customers:
		return {}
	return dict(
		frappe.get_list(
			"Customer",
			filters={"name": ("in", list(customers))},
			fields=["name", "customer_name"],
			as_list=True,
			limit_page_length=0,
		)
	)
