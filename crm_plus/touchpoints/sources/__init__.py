"""The registry of touchpoint sources: every module in this package that defines ``SOURCES``.

One small module per ERPNext doctype family (``selling``, ``billing``, ``payments``, ``journal``,
``dunning``, ``service``; contacts: ``communication``, ``telephony``, ``meetings``), each defining its
``Source``s (``base.py``: a SELECT yielding touchpoint rows, and the customers of a document); the rows go
through the one writer (``touchpoints/writer.py``). The live doc
events, the backfill and the reconciliation all take their sources from here, in the order of
``kinds.SOURCE_DOCTYPES`` (the order a sale usually runs), then ``kinds.SAVED_SOURCE_DOCTYPES``.
"""

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from functools import cache

from crm_plus.touchpoints.kinds import SAVED_SOURCE_DOCTYPES, SOURCE_DOCTYPES
from crm_plus.touchpoints.sources.base import Source

# the names callers of the former single module import from here
from crm_plus.touchpoints.sources.billing import overdue_invoices
from crm_plus.touchpoints.writer import COLUMNS, SEQUENCE, correct, insert_rows, stale, write_selected

__all__ = [
	"COLUMNS",
	"SEQUENCE",
	"SOURCES",
	"Source",
	"correct",
	"get_source",
	"insert_rows",
	"overdue_invoices",
	"registry",
	"stale",
	"write_selected",
]


@cache
def registry() -> dict[str, Source]:
	"""{doctype: Source} of every module of this package: submitted documents in ``SOURCE_DOCTYPES`` order,
	then saved ones (contacts and service) in ``SAVED_SOURCE_DOCTYPES`` order."""
	found = {}
	for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
		for source in getattr(importlib.import_module(f"{__name__}.{module}"), "SOURCES", ()):
			if isinstance(source, Source):
				found[source.doctype] = source
	order = {doctype: i for i, doctype in enumerate(SOURCE_DOCTYPES + SAVED_SOURCE_DOCTYPES)}
	return {doctype: found[doctype] for doctype in sorted(found, key=lambda d: order.get(d, len(order)))}


class _Sources(Mapping):
	"""``SOURCES``: the registry as a read-only mapping, filled on first use."""

	def __getitem__(self, doctype: str) -> Source:
		return registry()[doctype]

	def __iter__(self) -> Iterator[str]:
		return iter(registry())

	def __len__(self) -> int:
		return len(registry())


SOURCES: Mapping[str, Source] = _Sources()


def get_source(doctype: str) -> Source | None:
	"""The touchpoint source for an ERPNext doctype (None for doctypes that are not touchpoints)."""
	return registry().get(doctype)
