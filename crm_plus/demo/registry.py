"""What the demo made, kept as one JSON value in ``tabDefaultValue`` (committed with the records).

``records`` lists ``[doctype, name]`` pairs in creation order, so removal can go in reverse; ``rules``
remembers which shipped lifecycle rules the demo created or switched on; ``suspended_email`` whether the
demo suspended the site's e-mail queue (put back on removal); ``setup_wizard`` the values with which the
demo completed the setup wizard of a new site (that stays done)."""

from contextlib import contextmanager

import frappe

from crm_plus.touchpoints import chunks

KEY = "__crm_plus_demo"
COMPANY = "CRM Plus Demo Ltd"
ABBR = "CPD"
CURRENCY = "USD"
COUNTRY = "United States"
CUSTOMER_GROUP = "CRM Plus Demo Customers"
# every demo customer's name starts with this, so the demo's own data is recognisable at a glance
PREFIX = "Demo - "
BUILDING, COMPLETE = "building", "complete"


class Registry:
	def __init__(self, state: dict | None = None):
		state = state or {}
		self.status: str = state.get("status") or BUILDING
		self.records: list[list[str]] = state.get("records") or []
		self.created_rules: list[str] = state.get("created_rules") or []
		self.enabled_rules: list[str] = state.get("enabled_rules") or []
		self.suspended_email: bool = bool(state.get("suspended_email"))
		self.setup_wizard: dict | None = state.get("setup_wizard")
		self.summary: dict = state.get("summary") or {}

	@classmethod
	def load(cls) -> "Registry | None":
		state = chunks.get_state(KEY)
		return cls(state) if state else None

	def add(self, doctype: str, name: str) -> str:
		self.records.append([doctype, name])
		return name

	def names(self, doctype: str) -> list[str]:
		return [name for dt, name in self.records if dt == doctype]

	def save(self) -> None:
		chunks.set_state(
			KEY,
			{
				"status": self.status,
				"records": self.records,
				"created_rules": self.created_rules,
				"enabled_rules": self.enabled_rules,
				"suspended_email": self.suspended_email,
				"setup_wizard": self.setup_wizard,
				"summary": self.summary,
			},
		)

	@staticmethod
	def clear() -> None:
		chunks.set_state(KEY, None)


def commit() -> None:
	"""The demo is a command a person runs, not a test: each step is committed with the registry row
	that lists what it made, so an interrupted run can always be removed."""
	frappe.db.commit()  # nosemgrep: a CLI command committing its own finished steps


def real_customers() -> list[str]:
	"""Customers the demo did not make, ignoring test records (ERPNext's and crm_plus's names start
	with an underscore)."""
	registry = Registry.load()
	ours = set(registry.names("Customer")) if registry else set()
	rows = frappe.db.sql("select name from `tabCustomer` where name not like %s", "\\_%", pluck=True)
	return [name for name in rows if name not in ours and not name.startswith("_")]


_held = 0


@contextmanager
def locked(timeout: int = 900):
	"""One demo build or removal at a time on a site (a file lock in the site folder), re-entrant within
	a process so that a build can remove an interrupted run's remains."""
	global _held
	if _held:
		_held += 1
		try:
			yield
		finally:
			_held -= 1
		return
	from frappe.utils.synchronization import filelock

	with filelock("crm_plus_demo", timeout=timeout):
		_held += 1
		try:
			yield
		finally:
			_held -= 1
