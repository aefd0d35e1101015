"""Ageing buckets as ERPNext's Accounts Receivable draws them: plain Python, no ``frappe`` import.

ERPNext (v15 and v16, ``accounts/report/accounts_receivable``) reads its *Ageing Range* filter, "30, 60,
90, 120" unless Accounts Settings names another, as the upper bounds of the buckets, keeps only the whole
numbers, and puts each invoice's outstanding amount in the first bucket whose bound its age (days since
its due date) does not exceed, or in the last, open bucket ("121-Above"). Collections Follow-up ages each
overdue invoice the same way, so its buckets hold what Accounts Receivable's hold for the same invoices.
An overdue invoice is at least one day past its due date, so the first bucket starts at 1.
"""

DEFAULT_RANGE = "30, 60, 90, 120"


def parse(text: str | None) -> list[int]:
	"""The bucket bounds of an *Ageing Range* text, as ERPNext reads it (whole numbers only, in order)."""
	return [int(part.strip()) for part in (text or DEFAULT_RANGE).split(",") if part.strip().isdigit()] or [
		int(part) for part in DEFAULT_RANGE.split(",")
	]


def bucket(age: int, bounds: list[int]) -> int:
	"""The bucket (0-based) of an invoice ``age`` days past its due date: the first bound it does not
	exceed, else the open bucket after the last bound."""
	return next((i for i, days in enumerate(bounds) if age <= days), len(bounds))


def labels(bounds: list[int], above: str = "Above", first: int = 1) -> list[str]:
	"""The buckets' names, ERPNext's way: "1-30", "31-60", …, "121-Above" (``above`` translated by the
	caller)."""
	names, low = [], first
	for days in bounds:
		names.append(f"{low}-{days}")
		low = days + 1
	names.append(f"{low}-{above}")
	return names
