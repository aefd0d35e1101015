"""Evaluating CRM Plans: baselines, evaluations when due (the daily job) or on demand, and KPI trends.

An evaluation computes every company goal's KPI for its period with ``kpis.py`` and scores it with
``formulas.py``. Scheduled evaluations carry their due date in ``scheduled_for``; a unique key on
(plan, scheduled_for) makes a second one for the same due date impossible, so the daily job can run
twice (or twice at once) safely. The plan's ``next_evaluation_date`` moves on as due dates are evaluated.
"""

from datetime import timedelta
from typing import NamedTuple

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Max
from frappe.utils import flt, formatdate, getdate

from crm_plus.access import can_read_money
from crm_plus.competitors import plans as competitor_plans
from crm_plus.lifecycle.actions import assign
from crm_plus.plans import formulas, kpis, money, schedule
from crm_plus.touchpoints import chunks

SCHEDULED, ON_DEMAND = "Scheduled", "On Demand"


def segment_of(plan) -> kpis.Segment:
	return kpis.Segment(
		company=plan.company,
		customer_groups=tuple(row.customer_group for row in plan.customer_groups),
		territories=tuple(row.territory for row in plan.territories),
	)


def capture_baselines(plan) -> None:
	"""Each goal's KPI over one evaluation period just before the plan starts (set on the rows, not saved);
	a KPI with nothing to measure then leaves the baseline unmeasured (0, ``baseline_measured`` off)."""
	from_date, to_date = schedule.window_before(getdate(plan.period_from), plan.evaluation_frequency)
	segment = segment_of(plan)
	for goal in plan.goals:
		value = kpis.compute(goal.kpi, segment, from_date, to_date)
		goal.set(money.field(goal, "baseline"), value or 0)
		goal.baseline_measured = int(value is not None)


def create_due_evaluations(today=None) -> list[str]:
	"""Daily job: evaluate every Active plan whose next evaluation date has come; returns the new names.

	Missed due dates are caught up one by one. A plan that fails is rolled back to its savepoint and logged
	without advancing its next evaluation date, so the next run tries it again. Each plan is committed on
	its own (KPIs read ERPNext's tables with plain, non-locking SELECTs; see ``touchpoints/chunks.py``).
	"""
	today = getdate(today)
	plans = frappe.get_all(
		"CRM Plan",
		# a due date is evaluated once it has passed: the job runs at midnight, so on the due date itself the
		# period's last day has not happened yet
		filters={"status": "Active", "next_evaluation_date": ("<", today)},
		pluck="name",
	)
	created = []
	for name in plans:
		savepoint = f"crm_plan_{frappe.generate_hash(length=10)}"
		frappe.db.savepoint(savepoint)
		try:
			created += evaluate_due(frappe.get_doc("CRM Plan", name), today)
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(
				title=_("CRM Plan {0} could not be evaluated").format(name),
				reference_doctype="CRM Plan",
				reference_name=name,
			)
		chunks.commit()
	return created


def evaluate_due(plan, today) -> list[str]:
	"""One evaluation per due date before ``today`` (a period is evaluated once its last day is over); then
	advance the plan's next evaluation date."""
	start, end = getdate(plan.period_from), getdate(plan.period_to)
	due, created = getdate(plan.next_evaluation_date), []
	while due and due < today:
		if not frappe.db.exists("CRM Plan Evaluation", {"plan": plan.name, "scheduled_for": due}):
			from_date, to_date = schedule.period(start, plan.evaluation_frequency, due, end)
			try:
				created.append(create(plan, from_date, to_date, scheduled_for=due).name)
			except frappe.UniqueValidationError:
				pass  # made meanwhile by a concurrent run: the unique key kept it to one
		due = schedule.next_due(start, plan.evaluation_frequency, after=due, end=end)
	frappe.db.set_value("CRM Plan", plan.name, "next_evaluation_date", due, update_modified=False)
	return created


def catch_up(plan: str, today=None) -> list[str]:
	"""Background job after a late activation: evaluate the periods that already ended, so the plan's
	next evaluation date is the coming one. The daily job would do the same at night."""
	doc = frappe.get_doc("CRM Plan", plan)
	if doc.status != "Active":
		return []
	return evaluate_due(doc, getdate(today))


def evaluate_on_demand(plan, today=None):
	"""An interim evaluation of the current period up to today (or the plan's end); a draft that already
	covers the same days is reused rather than duplicated."""
	from_date, to_date = on_demand_period(plan, today)
	key = draft_key(plan.name, from_date, to_date)
	existing = frappe.db.get_value("CRM Plan Evaluation", {"draft_key": key})
	if existing:
		return frappe.get_doc("CRM Plan Evaluation", existing)
	try:
		return create(plan, from_date, to_date, key=key)
	except frappe.UniqueValidationError:
		# made meanwhile by a concurrent click: the unique key kept it to one (a locking read sees it)
		frappe.clear_messages()
		return frappe.get_doc(
			"CRM Plan Evaluation",
			frappe.db.get_value("CRM Plan Evaluation", {"draft_key": key}, for_update=True),
		)


def on_demand_period(plan, today=None) -> tuple:
	"""The days an interim evaluation covers: the current period up to today (or the plan's end); refused,
	with why, for a plan in Draft or one that has not started."""
	if plan.status == "Draft":
		frappe.throw(_("Activate the plan before evaluating it."))
	today, start, end = getdate(today), getdate(plan.period_from), getdate(plan.period_to)
	to_date = min(today, end)
	if to_date < start:
		frappe.throw(_("The plan starts on {0}; there is nothing to evaluate yet.").format(formatdate(start)))
	due = schedule.next_due(start, plan.evaluation_frequency, after=to_date - timedelta(days=1), end=end)
	from_date = schedule.period(start, plan.evaluation_frequency, due, end)[0] if due else start
	return from_date, to_date


def draft_key(plan: str, from_date, to_date) -> str:
	return f"{plan}|{getdate(from_date)}|{getdate(to_date)}"


def create(plan, from_date, to_date, scheduled_for=None, key: str | None = None):
	"""Compute every goal for [from_date, to_date], insert the evaluation and give the manager a ToDo.

	Each goal is compared with its target for these days. A target and a baseline stand for one full
	evaluation period (a target may stand for the whole plan instead): a KPI that adds up over time (an
	amount, a count) is compared by its share of them by days when the evaluation covers part of a period
	(an interim evaluation, a period cut short) or the target is the whole plan's
	(``formulas.evaluation_target``), so like is compared with like. The evaluation keeps the plan's own
	figures and the days, and explains the calculation (``plans/explain.py``)."""
	segment = segment_of(plan)
	days = spans(plan, from_date, to_date)
	doc = frappe.new_doc("CRM Plan Evaluation")
	doc.update(
		{
			"plan": plan.name,
			"evaluation_type": SCHEDULED if scheduled_for else ON_DEMAND,
			"scheduled_for": scheduled_for,
			"period_from": from_date,
			"period_to": to_date,
			"draft_key": key,
		}
	)
	scores = []
	for goal in plan.goals:
		actual = kpis.compute(goal.kpi, segment, from_date, to_date)
		registered = kpis.get_kpi(goal.kpi)
		additive = bool(registered and registered.additive)
		target_for = (goal.get("target_for") or formulas.EACH_PERIOD) if additive else formulas.EACH_PERIOD
		measure_from = goal.get("measure_from") or formulas.FROM_BASELINE
		plan_target, plan_baseline = flt(money.get(goal, "target")), flt(money.get(goal, "baseline"))
		target, target_days = formulas.evaluation_target(
			plan_target, additive, target_for, days.evaluated, days.period, days.plan
		)
		baseline = formulas.evaluation_baseline(plan_baseline, additive, days.evaluated, days.period)
		measured = bool(goal.get("baseline_measured"))
		from_baseline = measure_from == formulas.FROM_BASELINE and measured
		achieved = formulas.achievement(actual, target, goal.direction, baseline if from_baseline else None)
		doc.append(
			"goals",
			{
				"kpi": goal.kpi,
				"unit": goal.unit,
				"direction": goal.direction,
				money.field(goal, "baseline"): baseline,
				money.field(goal, "target"): target,
				"weight": goal.weight,
				money.field(goal, "actual"): actual,
				"achievement": achieved,
				"no_data": actual is None,
				"target_for": target_for,
				"measure_from": measure_from,
				money.field(goal, "plan_target"): plan_target,
				money.field(goal, "plan_baseline"): plan_baseline,
				"baseline_measured": int(measured),
				"evaluated_days": days.evaluated,
				"target_days": target_days,
				"baseline_days": days.period if additive else None,
				**competitor_plans.evaluation_fields(goal, actual),
			},
		)
		scores.append((achieved, flt(goal.weight)))
	doc.weighted_score = formulas.weighted_score(scores)
	doc.insert(ignore_permissions=True)
	frappe.db.set_value("CRM Plan", plan.name, "last_evaluation", doc.name, update_modified=False)
	notify_manager(plan, doc)
	return doc


class Spans(NamedTuple):
	evaluated: int  # days the evaluation covers
	period: int  # days of the full evaluation period it belongs to (the frequency's months)
	plan: int  # days of the whole plan
	baseline: int  # days the baseline was measured over, before the plan


def spans(plan, from_date, to_date) -> Spans:
	"""The days an evaluation of [from_date, to_date] and the figures it compares with cover."""
	start, end, frequency = getdate(plan.period_from), getdate(plan.period_to), plan.evaluation_frequency
	from_date, to_date = getdate(from_date), getdate(to_date)
	# the due date of the period the evaluation falls in: its own for a scheduled one, the coming one for
	# an interim evaluation
	due = schedule.next_due(start, frequency, after=to_date - timedelta(days=1), end=end) or to_date
	before_from, before_to = schedule.window_before(start, frequency)
	return Spans(
		evaluated=(to_date - from_date).days + 1,
		period=schedule.period_days(due, frequency),
		plan=(end - start).days + 1,
		baseline=(before_to - before_from).days + 1,
	)


def notify_manager(plan, doc) -> None:
	"""A ToDo for the plan manager: review the evaluation, add findings and adjustments, submit it."""
	if not plan.manager or not frappe.db.get_value("User", plan.manager, "enabled"):
		return
	# through Frappe's assignment API: the manager is notified and gets access to the evaluation
	assign(
		doc.doctype,
		doc.name,
		plan.manager,
		_(
			"Review the evaluation of CRM Plan {0} for {1} to {2}: add findings and adjustments, then submit it."
		).format(plan.title, formatdate(doc.period_from), formatdate(doc.period_to)),
		date=doc.period_to,
	)


def last_due_date(plan: str | None):
	"""The latest due date that already has a scheduled evaluation."""
	if not plan:
		return None
	ev = DocType("CRM Plan Evaluation")
	rows = frappe.qb.from_(ev).select(Max(ev.scheduled_for)).where(ev.plan == plan).run()
	return getdate(rows[0][0]) if rows and rows[0][0] else None


def latest(plan: str):
	"""The newest evaluation of the plan that is not cancelled, or None."""
	name = frappe.db.get_value(
		"CRM Plan Evaluation",
		{"plan": plan, "docstatus": ("<", 2)},
		"name",
		order_by="period_to desc, creation desc",
	)
	return frappe.get_doc("CRM Plan Evaluation", name) if name else None


def kpi_trend(plan: str) -> dict:
	"""Each KPI's actual value across the plan's evaluations (not cancelled), oldest first; a KPI in money
	only for users who may read amounts.

	``{"labels": [period ends], "kpis": [{"kpi", "unit", "target" (the latest), "values": [value or None
	per label], "targets": [each evaluation's target]}]}``
	"""
	ev, goal = DocType("CRM Plan Evaluation"), DocType("CRM Plan Evaluation Goal")
	rows = (
		frappe.qb.from_(ev)
		.join(goal)
		.on((goal.parent == ev.name) & (goal.parenttype == "CRM Plan Evaluation"))
		.select(
			ev.name,
			ev.period_to,
			goal.kpi,
			goal.unit,
			goal.target,
			goal.actual,
			goal.target_amount,
			goal.actual_amount,
			goal.no_data,
		)
		.where((ev.plan == plan) & (ev.docstatus < 2))
		.orderby(ev.period_to)
		.orderby(ev.creation)
		.orderby(goal.idx)
		.run(as_dict=True)
	)
	evaluations = list(dict.fromkeys((row.name, row.period_to) for row in rows))
	position = {name: i for i, (name, _period_to) in enumerate(evaluations)}
	amounts = can_read_money("CRM Plan Evaluation")
	series: dict[str, dict] = {}
	for row in rows:
		if money.is_money(row) and not amounts:
			continue
		entry = series.setdefault(
			row.kpi,
			{
				"kpi": row.kpi,
				"unit": row.unit,
				"target": None,
				"values": [None] * len(evaluations),
				"targets": [None] * len(evaluations),
			},
		)
		# each evaluation's own target: an amount or a count is scaled to the days it covers
		entry["target"] = money.get(row, "target")
		entry["targets"][position[row.name]] = flt(money.get(row, "target"))
		entry["values"][position[row.name]] = None if row.no_data else flt(money.get(row, "actual"))
	return {
		"labels": [formatdate(period_to) for _name, period_to in evaluations],
		"kpis": list(series.values()),
	}
