"""A contact logged by hand says whom we spoke to, what came of it and when to follow up.

- *Spoke With* is one of the customer's contacts.
- *Next Follow-up* becomes a ToDo for the touchpoint's responsible user on that day, through Frappe's
  assignment API (shared with them when needed, notified, on their ToDo list and in *My Customers Today*);
  a new date moves it, another responsible user takes it over, a cleared date cancels it
  (``agenda.follow_up_steps``).
- Logged from a lifecycle alert (*Log Call*), the touchpoint names the alert and, when *Resolves the Alert*
  is ticked, resolves it: its ToDo is closed, which resolves the alert as closing it by hand does.
"""

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.utils import getdate, today

from crm_plus.touchpoints import agenda


def validate(doc) -> None:
	if doc.reference_name:  # recorded from a document: nobody spoke to anyone
		doc.contact = doc.outcome = doc.next_follow_up = doc.lifecycle_alert = None
		doc.resolve_alert = 0
		return
	_validate_contact(doc)
	_validate_next_follow_up(doc)
	_validate_alert(doc)


def _validate_contact(doc) -> None:
	if not doc.contact:
		return
	linked = frappe.db.exists(
		"Dynamic Link",
		{
			"parenttype": "Contact",
			"parent": doc.contact,
			"link_doctype": "Customer",
			"link_name": doc.customer,
		},
	)
	if not linked:
		frappe.throw(
			_("{0}: {1} is not a contact of {2}.").format(
				_("Spoke With"), frappe.bold(doc.contact), frappe.bold(doc.customer)
			),
			title=_("Invalid Contact"),
		)


def _validate_next_follow_up(doc) -> None:
	if not doc.next_follow_up or not doc.has_value_changed("next_follow_up"):
		return
	if getdate(doc.next_follow_up) < getdate(today()):
		frappe.throw(_("{0} cannot be before today.").format(_("Next Follow-up")), title=_("Invalid Date"))


def _validate_alert(doc) -> None:
	if not doc.lifecycle_alert:
		doc.resolve_alert = 0
		return
	alert = frappe.db.get_value("Lifecycle Alert", doc.lifecycle_alert, ["customer", "status"], as_dict=True)
	if not alert or alert.customer != doc.customer:
		frappe.throw(
			_("{0}: {1} is not an alert of {2}.").format(
				_("Lifecycle Alert"), frappe.bold(doc.lifecycle_alert), frappe.bold(doc.customer)
			),
			title=_("Invalid Alert"),
		)
	if _resolving(doc) and alert.status == "Open":
		if not frappe.has_permission("Lifecycle Alert", "write", doc.lifecycle_alert):
			frappe.throw(
				_("{0}: you may not resolve alert {1}.").format(
					_("Resolves the Alert"), frappe.bold(doc.lifecycle_alert)
				),
				frappe.PermissionError,
			)


def _resolving(doc) -> bool:
	"""Whether this save asks to resolve the alert (ticked now, not only kept ticked)."""
	return bool(doc.lifecycle_alert and doc.resolve_alert and doc.has_value_changed("resolve_alert"))


def on_update(doc) -> None:
	if doc.reference_name:
		return
	# asked before the follow-up is written: writing it loads the saved record as "before" this save
	resolving = _resolving(doc)
	sync_todo(doc)
	if resolving:
		resolve_alert(doc.lifecycle_alert)


def sync_todo(doc) -> None:
	"""Make, move, hand over or cancel the follow-up ToDo as ``agenda.follow_up_steps`` says."""
	before = doc.get_doc_before_save()
	old_date = getdate(before.next_follow_up) if before and before.next_follow_up else None
	todo = None
	if doc.follow_up_todo:
		row = frappe.db.get_value(
			"ToDo", doc.follow_up_todo, ["name", "allocated_to", "date", "status"], as_dict=True
		)
		if row:
			todo = agenda.FollowUpToDo(
				row.name, row.allocated_to, getdate(row.date) if row.date else None, row.status
			)
	new_date = getdate(doc.next_follow_up) if doc.next_follow_up else None
	for step, arg in agenda.follow_up_steps(new_date, doc.user, todo, old_date):
		if step == agenda.CANCEL:
			assign_to.set_status(
				doc.doctype, doc.name, todo=arg.name, status="Cancelled", ignore_permissions=True
			)
			doc.db_set("follow_up_todo", None, update_modified=False)
		elif step == agenda.MOVE:
			moved, date = arg
			frappe.db.set_value("ToDo", moved.name, "date", date)
		elif step == agenda.CREATE:
			user, date = arg
			doc.db_set("follow_up_todo", _assign(doc, user, date), update_modified=False)


def _assign(doc, user: str, date) -> str | None:
	"""The follow-up ToDo through Frappe's assignment API (shares the touchpoint with the user when they
	could not read it, notifies them); Frappe's refusal stops the save with its own message."""
	customer_name = frappe.db.get_value("Customer", doc.customer, "customer_name") or doc.customer
	what = doc.summary or (_(doc.outcome) if doc.outcome else _(doc.touchpoint_type))
	assign_to.add(
		{
			"assign_to": [user],
			"doctype": doc.doctype,
			"name": str(doc.name),
			"description": _("Follow up with {0}: {1}").format(customer_name, what),
			"date": date,
			"priority": "Medium",
			"assigned_by": frappe.session.user,
		},
		ignore_permissions=True,
	)
	return frappe.db.get_value(
		"ToDo",
		{
			"reference_type": doc.doctype,
			"reference_name": str(doc.name),
			"allocated_to": user,
			"status": "Open",
		},
		"name",
		order_by="creation desc",
	)


def resolve_alert(alert_name: str) -> None:
	"""Resolve the alert a call answered: close its open ToDo (the ToDo hook resolves the alert, as when
	its assignee closes it), or set it resolved when it has none."""
	alert = frappe.get_doc("Lifecycle Alert", alert_name)
	if alert.status != "Open":
		return
	alert.check_permission("write")
	if alert.todo and frappe.db.get_value("ToDo", alert.todo, "status") == "Open":
		todo = frappe.get_doc("ToDo", alert.todo)
		todo.status = "Closed"
		todo.save(ignore_permissions=True)
		alert.reload()
	if alert.status == "Open":
		alert.status = "Resolved"
		alert.save()
