"""What a touchpoint source is: one ``frappe.qb`` SELECT that yields touchpoint rows, and who they are for.

Every source is a ``Source`` defined in a small module of this package, one per ERPNext doctype family; the
registry (``sources/__init__.py``) finds it there. Its select yields rows in ``writer.COLUMNS`` order. The
live doc event, the backfill and the reconciliation all run the *same* select (narrowed to one document,
to a chunk, or to the documents that have no touchpoint yet), so history and live hooks always produce
identical records. The kinds (Invoice or Credit Note, Payment or Refund) are decided by the functions of
``kinds.py``, turned into SQL CASEs here, so the unit-tested rules are the ones production runs.

A document ERPNext still lets users change after its submit (Update Items) moves its touchpoint's
values (``writer.SYNCED``): ``Source.update`` compares the stored touchpoints with the same select and
rewrites those that differ, as the daily reconciliation does.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import frappe
from frappe.query_builder import Case, DocType
from frappe.query_builder.custom import ConstantColumn
from frappe.query_builder.functions import Now

from crm_plus.touchpoints import writer
from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED
from crm_plus.touchpoints.writer import COLUMNS


def const(value):
	return ConstantColumn(value)


def row(query, *terms):
	"""SELECT the terms as the touchpoint COLUMNS (aliased, so the select reads as the row it writes)."""
	assert len(terms) == len(COLUMNS)
	return query.select(*(term.as_(column) for term, column in zip(terms, COLUMNS, strict=True)))


def case(column, mapping: dict):
	"""A SQL CASE that maps the column's values as ``mapping`` does (built from a kinds.py rule)."""
	result = Case()
	for value, outcome in mapping.items():
		result = result.when(column == value, outcome)
	return result


def standard(t):
	"""status (Cancelled for a cancelled source), owner, modified_by, creation, modified."""
	return [
		Case().when(t.docstatus == 2, CANCELLED).else_(ACTIVE),
		const("Administrator"),
		const("Administrator"),
		Now(),
		Now(),
	]


def in_range(t, start: str | None, end: str | None):
	"""Names in [start, end), either end open when None."""
	condition = t.name.isnotnull()
	if start is not None:
		condition &= t.name >= start
	if end is not None:
		condition &= t.name < end
	return condition


def customer_field(doc) -> list[str]:
	"""The customers of a document that names one in its ``customer`` field."""
	return [doc.customer] if doc.get("customer") else []


@dataclass(frozen=True)
class Source:
	doctype: str
	build: Callable  # (table) -> SELECT yielding COLUMNS, filtered to the touchpoint-worthy documents
	# (doc) -> the customers a document's touchpoints are for; empty when it concerns no customer
	customers: Callable

	@property
	def table(self):
		return DocType(self.doctype)

	def select(
		self,
		names: Iterable[str] | None = None,
		after: str | None = None,
		upto: str | None = None,
		start: str | None = None,
		end: str | None = None,
	):
		"""Touchpoint rows of submitted (and cancelled: their touchpoint is Cancelled) documents, optionally
		narrowed to names or a name range ((after, upto] or [start, end)). Rows already written are left out
		by the writers (``write_selected``, ``insert_rows``), one unique-key lookup per row."""
		t = self.table
		q = self.build(t).where(t.docstatus.isin([1, 2]))
		if names is not None:
			q = q.where(t.name.isin(list(names)))
		if after is not None:
			q = q.where(t.name > after)
		if upto is not None:
			q = q.where(t.name <= upto)
		if start is not None or end is not None:
			q = q.where(in_range(t, start, end))
		return q

	def insert(self, **narrow) -> int:
		"""Write the touchpoints of the selected documents in the caller's transaction (live events)."""
		return writer.insert_rows(self.rows(**narrow))

	def rows(self, **narrow) -> list[tuple]:
		"""The touchpoint rows of the selected documents, read with a plain (non-locking) SELECT."""
		return [tuple(r) for r in self.select(**narrow).run()]

	def update(self, **narrow) -> int:
		"""Bring the active touchpoints of the selected documents up to date with them, in the caller's
		transaction (live events: a document changed after its submit); returns how many changed.

		The event's document is locked by its own save, so what this selects is the newest truth: the rows
		are written whatever the touchpoint holds meanwhile (no ``modified`` check, see ``writer.correct``)."""
		return writer.correct(writer.stale(self.select(**narrow)), checked=False)
