"""What a lifecycle condition is: declared parameters, validated here without ``frappe``, and one
set-based query.

A condition is one small module in this package defining ``CONDITION``; the registry
(``conditions/__init__.py``) finds it by itself, so adding one (say, "last satisfaction score below a
threshold" once surveys exist) touches neither the engine nor the Lifecycle Rule doctype.

``Condition.sql`` is parameterised SQL text, run by the engine with ``frappe.db.sql``, returning one row
per matching customer: a ``customer`` column and the values that explain why, which fill the
``explanation`` template. Besides its own parameters it may read these bound values: ``today`` (date),
``now`` (datetime), ``company`` (None: every company) and the customer range ``chunk_start`` /
``chunk_end`` (None: unbounded) with the rule's ``scope`` of customers, applied with ``in_company()`` and
``in_chunk()`` to the table that drives the query, so a chunk reads only its own customers' rows.
"""

from dataclasses import dataclass
from numbers import Number

DAILY = "daily"
HOURLY = "hourly"

# why a parameter value is refused; the Lifecycle Rule controller turns these into translated messages
MISSING = "missing"
NOT_A_NUMBER = "not_a_number"
NEGATIVE = "negative"
NOT_WHOLE = "not_whole"
TOO_SMALL = "too_small"
TOO_LARGE = "too_large"


def _(text: str) -> str:
	"""Marks a literal for translation extraction; frappe translates it where it is shown."""
	return text


def in_company(column: str) -> str:
	return f"(%(company)s is null or {column} = %(company)s)"


def in_chunk(column: str) -> str:
	"""The customers this run covers: the chunk's range of names and, when the engine narrowed the rule
	to the few customers its stages, group or territory allow (``lifecycle/scope.py``), only those
	(``scoped`` is a literal 0 or 1, so MariaDB folds the test away before planning)."""
	return f"{in_range(column)} and (%(scoped)s = 0 or {column} in %(scope)s)"


def in_range(column: str) -> str:
	"""The chunk's range of customer names, [``chunk_start``, ``chunk_end``); None bounds are open."""
	return (
		f"(%(chunk_start)s is null or {column} >= %(chunk_start)s)"
		f" and (%(chunk_end)s is null or {column} < %(chunk_end)s)"
	)


@dataclass(frozen=True)
class Parameter:
	name: str
	label: str
	default: float | None = None
	required: bool = True
	integer: bool = True
	minimum: float = 0
	maximum: float | None = None

	def problem(self, value) -> str | None:
		"""Why ``value`` is not acceptable (one of the constants above), or None when it is."""
		if value is None or value == "":
			return MISSING if self.required else None
		if isinstance(value, bool) or not isinstance(value, Number | str):
			return NOT_A_NUMBER
		try:
			number = float(value)
		except ValueError:
			return NOT_A_NUMBER
		if number < 0:
			return NEGATIVE
		if self.integer and number != int(number):
			return NOT_WHOLE
		if number < self.minimum:
			return TOO_SMALL
		if self.maximum is not None and number > self.maximum:
			return TOO_LARGE
		return None

	def clean(self, value):
		"""The value as the query binds it (int for whole-number parameters); None when not given."""
		if value is None or value == "":
			return None
		return int(float(value)) if self.integer else float(value)


@dataclass(frozen=True)
class Condition:
	key: str
	label: str
	parameters: tuple[Parameter, ...]
	sql: str
	explanation: str  # str.format template over the parameters and the row's values
	frequency: str = DAILY
	description: str = ""
	# the row's values that are amounts of money: stored at permlevel 1 and shown only to users who may
	# read amounts; ``public_explanation`` is the template without them (defaults to ``explanation``)
	money: tuple[str, ...] = ()
	public_explanation: str = ""
	# The same match read from the customers' relationship figures (``touchpoints/relationship.py``: kept by
	# every document's event and refreshed for every customer by the nightly job just before the rules), in
	# place of ``sql``'s aggregate over ERPNext's tables. Those figures cover every company, so ``sql`` runs
	# when the rule names a company, or gives one of the ``figures_unless`` parameters (a per-invoice test).
	figures_sql: str = ""
	figures_unless: tuple[str, ...] = ()

	def parameter(self, name: str) -> Parameter | None:
		return next((p for p in self.parameters if p.name == name), None)

	def problems(self, values: dict) -> list[tuple[Parameter | str, str]]:
		"""Every refused value as (parameter, problem); an unknown name comes back as (name, 'unknown')."""
		found = [(p, p.problem(values.get(p.name))) for p in self.parameters]
		unknown = [(name, "unknown") for name in values if self.parameter(name) is None]
		return [(p, problem) for p, problem in found if problem] + unknown

	def clean(self, values: dict) -> dict:
		return {p.name: p.clean(values.get(p.name)) for p in self.parameters}

	def explain(self, values: dict, row: dict, template: str | None = None) -> str:
		return (template or self.explanation).format(**values, **row)

	def query(self, company: str | None, values: dict) -> str:
		"""The SQL that matches for a rule of this company (None: every company) and these parameters."""
		if self.figures_sql and not company and not any(values.get(p) for p in self.figures_unless):
			return self.figures_sql
		return self.sql

	def template(self, with_money: bool) -> str:
		"""The explanation template for a reader who may (or may not) read amounts."""
		return (
			self.explanation
			if with_money or not self.money
			else (self.public_explanation or self.explanation)
		)

	def split(self, row: dict) -> tuple[dict, dict]:
		"""A matched row's values as (facts anyone may read, amounts of money)."""
		facts = {k: v for k, v in row.items() if k not in self.money}
		return facts, {k: v for k, v in row.items() if k in self.money}
