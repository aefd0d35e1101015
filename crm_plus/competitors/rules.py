"""Competitor notes: their vocabularies and the rules that need no database.

Plain Python on purpose: no ``frappe`` import, so the rules are unit-tested without a bench.
"""

from collections.abc import Iterable

NOTE_DOCTYPE = "Competitor Note"
# the Customer Touchpoint a note about a customer puts on the customer's timeline
TOUCHPOINT_TYPE = "Competitor Note"

ASPECTS = ("Pricing", "Product", "Service", "Communication Channel", "Promotion", "Delivery", "Other")
SOURCES = (
	"Customer Conversation",
	"Website",
	"Trade Fair",
	"Lost Deal",
	"Sales Team",
	"Advertisement",
	"Other",
)
THREAT_LEVELS = ("Low", "Medium", "High")
LOST_DEAL_SOURCE = "Lost Deal"
# ERPNext's selling documents that can be marked Lost to competitors
LOST_DEAL_DOCTYPES = ("Opportunity", "Quotation")
SUMMARY_LENGTH = 140


def lost_deal_key(doctype: str, name: str, competitor: str) -> str:
	"""The unique key of the note a lost deal makes for one competitor: one note per deal and competitor."""
	return f"{doctype}::{name}::{competitor}"


def lost_deal_observation(doctype: str, name: str, reasons: Iterable[str], detail: str | None) -> str:
	"""The observation prefilled from a lost deal (English: the caller translates the labels it passes)."""
	lines = [f"{doctype} {name}"]
	reasons = [r for r in reasons if r]
	if reasons:
		lines.append(", ".join(reasons))
	if detail and detail.strip():
		lines.append(detail.strip())
	return "\n".join(lines)


def beats(actual: float | None, benchmark: float | None, direction: str) -> bool:
	"""Whether our figure beats the competitor's: higher for a goal to Raise, lower for one to Lower."""
	if actual is None or benchmark is None:
		return False
	return actual < benchmark if direction == "Lower" else actual > benchmark


def touchpoint_summary(competitor: str, aspect: str | None, observation: str | None) -> str:
	"""One line for the customer's timeline: who, what about, and the start of the observation."""
	head = f"{competitor} · {aspect}" if aspect else competitor
	text = " ".join((observation or "").split())
	if len(text) > SUMMARY_LENGTH:
		text = text[: SUMMARY_LENGTH - 1].rstrip() + "…"
	return f"{head}: {text}" if text else head


def top_exposed(counts: dict[str, int], limit: int = 3) -> list[tuple[str, int]]:
	"""The customers most exposed to a competitor: most notes and lost deals first, then by name."""
	return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
