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
from frappe.utils import now_datetime
from pypika.terms import NullValue

from crm_plus.touchpoints import writer
from crm_plus.touchpoints.kinds import ACTIVE, CANCELLED
from crm_plus.touchpoints.writer import COLUMNS


def const(value):
	return ConstantColumn(value)


DURATION = COLUMNS.index("duration")


def row(query, *terms, duration=None):
	"""SELECT the terms as the touchpoint COLUMNS (aliased, so the select reads as the row it writes).
	``duration`` (seconds: a call's length, an issue's response or resolution time) is NULL unless given."""
	terms = [*terms[:DURATION], NullValue() if duration is None else duration, *terms[DURATION:]]
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
	return stamp(Case().when(t.docstatus == 2, CANCELLED).else_(ACTIVE))


def stamp(status):
	"""status (a SQL term), owner, modified_by, creation, modified: the last columns of every row."""
	return [status, const("Administrator"), const("Administrator"), Now(), Now()]


def zero():
	"""amount and base amount of a touchpoint that carries no money (a contact, a service event)."""
	return [const(0), const(0)]


def to_customer(query, name, alias: str = "customer"):
	"""``query`` joined to the Customer named ``name`` (a SQL term): only customers that exist (a link
	such as a contact's may outlive its customer). Returns (query, the customer's name)."""
	customer = DocType("Customer").as_(alias)
	return query.join(customer).on(customer.name == name), customer.name


def through_contact(query, contact, alias: str = "contact_customer"):
	"""``query`` joined to the customers the Contact named ``contact`` (a SQL term) is linked to (its
	Dynamic Links), the way Frappe links an e-mail to a contact's customers. Returns (query, customer)."""
	link = DocType("Dynamic Link").as_(alias)
	query = query.join(link).on(
		(link.parenttype == "Contact") & (link.parent == contact) & (link.link_doctype == "Customer")
	)
	return to_customer(query, link.link_name, f"{alias}_customer")


def linked(query, t, links_doctype: str, link_doctype: str, alias: str):
	"""``query`` joined to the rows of the document's links table (``links_doctype``: Dynamic Link,
	Communication Link) that point to a ``link_doctype``. Returns (query, the linked name)."""
	link = DocType(links_doctype).as_(alias)
	query = query.join(link).on(
		(link.parent == t.name)
		& (link.parenttype == t._table_name.removeprefix("tab"))
		& (link.link_doctype == link_doctype)
	)
	return query, link.link_name


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


# rendered selects: (site, doctype, how many names, which bounds) -> (sql, bound values, placeholders)
_prepared: dict = {}
SLOT = "\x00crm_plus:"  # a placeholder value no document name holds
PREPARED_NAMES = 20  # a select for more names than this is rendered each time
# the site's current time, bound when the select is made (compare a datetime with ``NOW``, not SQL's NOW(),
# which is the database server's time zone, not the site's)
NOW = f"{SLOT}now"


class Prepared:
	"""A rendered select and its bound values: what the writer reads (``walk``) and runs (``run``)."""

	def __init__(self, sql: str, params: dict):
		self.sql, self.params = sql, params

	def walk(self) -> tuple[str, dict]:
		return self.sql, dict(self.params)

	def run(self, **kwargs):
		return frappe.db.sql(self.sql, self.params, **kwargs)

	def get_sql(self) -> str:
		return self.sql


@dataclass(frozen=True)
class Reach:
	"""What ``Source.build`` returns for documents that reach customers in several ways (an e-mail about a
	customer, linked to it, sent to one of its contacts, about one of its documents): ``ways`` are SELECTs
	over the source's table of ``name`` (the document) and ``customer``, one per way, united (and narrowed
	to the same documents) into the derived table ``reached``; ``rows(reached)`` is the one touchpoint
	SELECT over the source's table joined to it. The row is written once, however many ways lead to it.

	Each way is ``(reference, SELECT)``: ``reference`` is the doctype the document must be about for the way to
	reach anybody (an e-mail about a Quotation reaches the quotation's customer), None for a way open to every
	document (its timeline links). A live event, for its one document, leaves out the ways of other
	references (``Source.select(reference=...)``): a cheaper SELECT, the same rows."""

	ways: tuple
	rows: Callable


def nothing(doc) -> list:
	return []


@dataclass(frozen=True)
class Source:
	doctype: str
	# (table) -> SELECT yielding COLUMNS, filtered to the touchpoint-worthy documents; or a tuple of such
	# SELECTs over the same table, their rows united; or a ``Reach``
	build: Callable
	# (doc) -> the customers a submitted document's touchpoints are for; empty when it concerns no customer
	customers: Callable = nothing
	# saved (not submitted) documents: written as they are saved, every state of the document selected
	saved: bool = False
	# what deleting the document does to its touchpoints: "forget" deletes them (its name may be given to a
	# new document: a naming series reverts when its last document is deleted), "cancel" keeps them Cancelled
	on_delete: str = "forget"
	# the values a later change of the document moves in its touchpoints (``writer.SYNCED``)
	synced: tuple = writer.SYNCED
	# (doc) -> whether a saved document may concern a customer, read from the document alone (no query):
	# the live hook returns at once for the others, which are most e-mails of a site
	concerns: Callable = lambda doc: True
	# (doc) -> [(doctype, name)]: other saved sources a save of this document changes behind their back
	# (a reply to an Issue sets the first response with a raw update)
	touches: Callable = nothing
	# (doc) -> what a live event's select may be narrowed to besides the document's name (its reference)
	narrowing: Callable = lambda doc: {}

	@property
	def table(self):
		return DocType(self.doctype)

	def count(self, upto: str | None = None) -> int:
		"""How many documents may have touchpoints (``documents``), named up to ``upto`` when given."""
		filters = {} if self.saved else {"docstatus": ("in", (1, 2))}
		if upto is not None:
			filters["name"] = ("<=", upto)
		return frappe.db.count(self.doctype, filters)

	def documents(self, t):
		"""The documents of the table that may have touchpoints: submitted and cancelled ones (a cancelled
		document's touchpoint is Cancelled), or every saved one."""
		return t.name.isnotnull() if self.saved else t.docstatus.isin([1, 2])

	def select(
		self,
		names: Iterable[str] | None = None,
		after: str | None = None,
		upto: str | None = None,
		start: str | None = None,
		end: str | None = None,
		reference: str | None = None,
	) -> "Prepared":
		"""Touchpoint rows of the source's documents, optionally narrowed to names or a name range
		((after, upto] or [start, end)). Rows already written are left out by the writers
		(``write_selected``, ``insert_rows``), one unique-key lookup per row.

		The SQL of each narrowing is rendered once per site and process and kept with its bound values
		(``Prepared``): a live hook, which fires for every e-mail of the site, binds the document's name into
		it instead of building the query again. ``reference``: the selected documents are all about this
		doctype ("" about none), see ``Reach``."""
		names = None if names is None else list(names)
		bounds = {"after": after, "upto": upto, "start": start, "end": end}
		given = tuple(key for key, value in bounds.items() if value is not None)
		if names is not None and len(names) > PREPARED_NAMES:
			sql, params = self.query(names=names, reference=reference, **bounds).walk()
			return Prepared(sql, {p: now_datetime() if v == NOW else v for p, v in params.items()})
		key = (frappe.local.site, self.doctype, None if names is None else len(names), given, reference)
		if key not in _prepared:
			# rendered with placeholders, whose bound values are then known by their parameter names
			sql, params = self.query(
				names=None if names is None else [f"{SLOT}{i}" for i in range(len(names))],
				reference=reference,
				**{k: f"{SLOT}{k}" for k in given},
			).walk()
			slots = {p: v for p, v in params.items() if isinstance(v, str) and v.startswith(SLOT)}
			_prepared[key] = (sql, params, slots)
		sql, params, slots = _prepared[key]
		values = {f"{SLOT}{i}": name for i, name in enumerate(names or ())}
		values.update({f"{SLOT}{k}": bounds[k] for k in given})
		values[NOW] = now_datetime()
		return Prepared(sql, {**params, **{p: values[slot] for p, slot in slots.items()}})

	def query(
		self,
		names: list[str] | None = None,
		after: str | None = None,
		upto: str | None = None,
		start: str | None = None,
		end: str | None = None,
		reference: str | None = None,
	):
		"""The ``frappe.qb`` query behind ``select``."""
		t = self.table

		def narrow(q):
			q = q.where(self.documents(t))
			if names is not None:
				q = q.where(t.name.isin(list(names)))
			if after is not None:
				q = q.where(t.name > after)
			if upto is not None:
				q = q.where(t.name <= upto)
			if start is not None or end is not None:
				q = q.where(in_range(t, start, end))
			return q

		built = self.build(t)
		if isinstance(built, Reach):
			# every way narrowed to the same documents, united (UNION: a customer reached two ways once)
			ways = [
				narrow(way)
				for about, way in built.ways
				if reference is None or about is None or about == reference
			] or [narrow(built.ways[0][1])]
			reached = ways[0]
			for way in ways[1:]:
				reached = reached.union(way)
			return narrow(built.rows(reached.as_("reached")))
		selects = [narrow(q) for q in (built if isinstance(built, tuple | list) else (built,))]
		union = selects[0]
		for q in selects[1:]:
			union = union.union(q)  # UNION, not UNION ALL: a customer reached two ways is one row
		return union

	def insert(self, **narrow) -> int:
		"""Write the touchpoints of the selected documents in the caller's transaction (live events)."""
		return writer.insert_rows(self.rows(**narrow))

	def rows(self, **narrow) -> list[tuple]:
		"""The touchpoint rows of the selected documents, read with a plain (non-locking) SELECT."""
		return [tuple(r) for r in self.select(**narrow).run()]

	def stale(self, checked: bool = True, **narrow) -> int:
		"""Rewrite the touchpoints of the selected documents whose synced values moved; returns how many."""
		rows = writer.stale(self.select(**narrow), self.synced, every_status=self.saved)
		return writer.correct(rows, checked=checked, synced=self.synced)

	def update(self, **narrow) -> int:
		"""Bring the touchpoints of the selected documents up to date with them, in the caller's
		transaction (live events: a document changed after its submit); returns how many changed.

		The event's document is locked by its own save, so what this selects is the newest truth: the rows
		are written whatever the touchpoint holds meanwhile (no ``modified`` check, see ``writer.correct``)."""
		return self.stale(checked=False, **narrow)
