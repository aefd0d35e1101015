"""How an evaluation got each goal's achievement, in words and figures, in the reader's language.

Written from what the evaluation stored for the goal (the plan's target and baseline, the days they and
the evaluation cover, the scaled figures compared, how achievement is measured), so the form and the print
say the same thing. A goal in money shows its figures only to readers who may see amounts; the others get
the same sentences without them.
"""

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from crm_plus.plans import formulas, money


def evaluation_goals(evaluation, with_money: bool) -> dict[str, str]:
	"""{goal row name: explanation} for every goal of the evaluation."""
	currency = (
		frappe.get_cached_value("Company", evaluation.company, "default_currency")
		if evaluation.company
		else None
	)
	return {row.name: goal(row, with_money, currency) for row in evaluation.goals}


def goal(row, with_money: bool = True, currency: str | None = None) -> str:
	"""The calculation of one evaluated goal, as sentences."""
	figures = with_money or not money.is_money(row)

	def show(name: str) -> str:
		value = flt(money.get(row, name))
		return fmt_money(value, currency=currency) if money.is_money(row) else number(value)

	sentences = [_target(row, figures, show), _baseline(row, figures, show)]
	sentences.append(_formula(row, figures, show))
	return " ".join(s for s in sentences if s)


def _target(row, figures: bool, show) -> str:
	days, covers = row.evaluated_days, row.target_days
	whole = row.target_for == formulas.WHOLE_PLAN
	if not covers:  # a rate or a score: its target holds for any span
		return (
			_("Target {0}, for any span of days.").format(show("target"))
			if figures
			else _("The target holds for any span of days.")
		)
	if covers == days:
		if not figures:
			return (
				_("The target is the plan's target for its whole period ({0} days).").format(covers)
				if whole
				else _("The target is the plan's target for one evaluation period ({0} days).").format(covers)
			)
		return (
			_("Target {0} for the plan's whole period ({1} days).")
			if whole
			else _("Target {0} for one evaluation period ({1} days).")
		).format(show("target"), covers)
	if not figures:
		return (
			_("The plan's target for its whole period ({0} days) is pro-rated to the {1} days evaluated.")
			if whole
			else _(
				"The plan's target for one evaluation period ({0} days) is pro-rated to the {1} days evaluated."
			)
		).format(covers, days)
	return (
		_("Target {0} for the plan's whole period ({1} days), pro-rated to the {2} days evaluated: {3}.")
		if whole
		else _("Target {0} for one evaluation period ({1} days), pro-rated to the {2} days evaluated: {3}.")
	).format(show("plan_target"), covers, days, show("target"))


def _baseline(row, figures: bool, show) -> str:
	if row.measure_from == formulas.AGAINST_TARGET:
		return _("The goal measures the actual against the target; the baseline is not used.")
	if not row.baseline_measured:
		return _(
			"No baseline was measured before the plan (nothing to measure): the actual is compared with the target."
		)
	baseline = flt(money.get(row, "baseline"))
	if not formulas.uses_baseline(flt(money.get(row, "target")), row.direction, baseline):
		return (
			_("The baseline {0} already met the target: the actual is compared with the target.").format(
				show("baseline")
			)
			if figures
			else _("The baseline already met the target: the actual is compared with the target.")
		)
	scaled = row.baseline_days and row.baseline_days != row.evaluated_days
	if not figures:
		return (
			_(
				"The baseline, the KPI over one evaluation period before the plan, is pro-rated to the {0} of {1} days evaluated."
			).format(row.evaluated_days, row.baseline_days)
			if scaled
			else _("The baseline is the KPI over one evaluation period before the plan.")
		)
	if scaled:
		return _(
			"Baseline {0}, the KPI over one evaluation period before the plan, pro-rated to the {1} of {2} days evaluated: {3}."
		).format(show("plan_baseline"), row.evaluated_days, row.baseline_days, show("baseline"))
	return _("Baseline {0}, the KPI over one evaluation period before the plan.").format(show("baseline"))


def _formula(row, figures: bool, show) -> str:
	if row.no_data:
		return _("Nothing to measure in these days: the goal is left out of the weighted score.")
	target, actual = flt(money.get(row, "target")), flt(money.get(row, "actual"))
	baseline = flt(money.get(row, "baseline"))
	lower = row.direction == formulas.LOWER
	progress = (
		row.measure_from != formulas.AGAINST_TARGET
		and row.baseline_measured
		and formulas.uses_baseline(target, row.direction, baseline)
	)
	raw = formulas.unbounded_achievement(actual, target, row.direction, baseline if progress else None)
	if progress:
		words = (
			_("Achievement = (baseline - actual) / (baseline - target)")
			if lower
			else _("Achievement = (actual - baseline) / (target - baseline)")
		)
		numbers = (
			"({0} - {1}) / ({0} - {2})".format(show("baseline"), show("actual"), show("target"))
			if lower
			else "({0} - {1}) / ({2} - {1})".format(show("actual"), show("baseline"), show("target"))
		)
	elif (actual <= target) if lower else (actual >= target):
		return (
			_(
				"The actual {0} meets the target {1}: achievement 100 % (measured against the target, meeting it is all a goal can do)."
			).format(show("actual"), show("target"))
			if figures
			else _(
				"The actual meets the target: achievement 100 % (measured against the target, meeting it is all a goal can do)."
			)
		)
	else:
		words = _("Achievement = target / actual") if lower else _("Achievement = actual / target")
		numbers = (
			"{0} / {1}".format(show("target"), show("actual"))
			if lower
			else "{0} / {1}".format(show("actual"), show("target"))
		)
	text = words + (f" = {numbers}" if figures else "") + " = " + _percent(raw)
	if round(raw, 2) != flt(row.achievement):
		text += " " + _("(kept between 0 % and {0} %: {1}).").format(
			int(formulas.MAX_ACHIEVEMENT), _percent(flt(row.achievement))
		)
	else:
		text += "."
	return text


def number(value: float, places: int = 2) -> str:
	"""A figure in the site's number format, without decimals it does not have (2, 2.5, 2.25)."""
	value = round(flt(value), places)
	shown = next(p for p in range(places + 1) if round(value, p) == value)
	return fmt_money(value, precision=shown)


def _percent(value: float) -> str:
	return f"{number(value, 1)} %"
