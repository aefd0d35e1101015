"""Period end: final scores, reward proposals, and awarding energy points on approval (where Energy Points
are installed: part of Frappe up to v15, the separate ``eps`` app from v16 on).

The daily job keeps every enabled program's current scores fresh (the leaderboard is live), and once a
period has ended it computes that period one last time and proposes a CRM Adoption Reward to each user
whose score reached a tier. A unique key on (program, user, period_start) makes a second proposal
impossible, so the job can run twice (or twice at once) safely.
"""

import frappe
from frappe import _
from frappe.modules.utils import load_doctype_module
from frappe.utils import formatdate, getdate, today

from crm_plus.adoption import periods, scores

REWARD = "CRM Adoption Reward"
PROPOSED, APPROVED, REJECTED = "Proposed", "Approved", "Rejected"
APPROVER_ROLE = "CRM Manager"


def daily(day=None) -> None:
	"""Scheduler job (daily_long): every enabled program, one committed step per program-period."""
	day = getdate(day or today())
	for name in frappe.get_all("CRM Adoption Program", filters={"enabled": 1}, pluck="name"):
		try:
			close_period(name, day)
			scores.compute(name, day)
			frappe.db.commit()  # scores of one program-period: a short transaction on our own tables
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=_("CRM adoption scores of {0} failed").format(name))


def close_period(program_name: str, day=None) -> list[str]:
	"""Once the period before ``day``'s has ended: final scores and reward proposals; returns the new
	rewards. Periods before the program's start date and periods already closed are left alone."""
	day = getdate(day or today())
	program = frappe.get_doc("CRM Adoption Program", program_name)
	start, end = periods.previous_period(day, program.period)
	if end < periods.period_of(getdate(program.start_date), program.period)[0]:
		return []
	if program.last_closed_period and getdate(program.last_closed_period) >= start:
		return []
	scores.compute(program.name, start)
	created = propose(program, start, end)
	frappe.db.set_value(
		"CRM Adoption Program", program.name, "last_closed_period", start, update_modified=False
	)
	return created


def propose(program, start, end) -> list[str]:
	"""A reward for every score of the period that reached a tier and has none yet."""
	tiers = scores.tiers_of(program)
	if not tiers:
		return []
	lowest = min(t.threshold for t in tiers)
	candidates = frappe.get_all(
		scores.SCORE,
		filters={"program": program.name, "period_start": start, "score": (">=", lowest)},
		fields=["user", "full_name", "score"],
	)
	existing = set(
		frappe.get_all(REWARD, filters={"program": program.name, "period_start": start}, pluck="user")
	)
	created = []
	for row in candidates:
		tier = scores.scoring.tier_for(row.score, tiers)
		if not tier or row.user in existing:
			continue
		doc = frappe.get_doc(
			{
				"doctype": REWARD,
				"program": program.name,
				"user": row.user,
				"full_name": row.full_name,
				"period_start": start,
				"period_end": end,
				"score": row.score,
				"reward": tier.reward,
				"energy_points": tier.energy_points,
				"status": PROPOSED,
			}
		)
		try:
			# the unique key is the guard against a concurrent run; the savepoint keeps the rest
			frappe.db.savepoint("adoption_reward")
			doc.insert(ignore_permissions=True)
			created.append(doc.name)
		except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
			frappe.db.rollback(save_point="adoption_reward")
	return created


def check_approver() -> None:
	"""Only a CRM Manager approves or rejects (checked here, not only by the doctype's permissions)."""
	if APPROVER_ROLE not in frappe.get_roles():
		frappe.throw(
			_("Only a {0} can approve or reject a CRM adoption reward.").format(_(APPROVER_ROLE)),
			frappe.PermissionError,
		)


def energy_points_module(doctype: str):
	"""The controller module of an Energy Points doctype, or None where the system is absent: it is part of
	Frappe up to v15 and the separate ``eps`` app from v16 on (a site upgraded without that app keeps the
	doctype's record, not its code)."""
	if not frappe.db.exists("DocType", doctype):
		return None
	try:
		return load_doctype_module(doctype)
	except ImportError:
		return None


def why_no_energy_points() -> str | None:
	"""Why approving a reward gives no energy points on this site, or None when it gives them."""
	settings = energy_points_module("Energy Point Settings")
	if not settings or not energy_points_module("Energy Point Log"):
		return _(
			"No energy points are given: Energy Points are not installed on this site (from Frappe v16 on "
			"they come with the separate EPS app)."
		)
	if not settings.is_energy_point_enabled():
		return _("No energy points are given: Energy Points are switched off in Energy Point Settings.")
	return None


def award_energy_points(reward) -> str | None:
	"""Give the reward's energy points once: under a row lock on the reward, only if no log is recorded.
	Returns the Energy Point Log's name, or None when nothing was (or is to be) awarded; where energy points
	are absent or off, the reward records why (its form shows it)."""
	locked = frappe.db.sql(
		f"select energy_point_log from `tab{REWARD}` where name = %s for update",  # nosemgrep
		reward.name,
	)
	if not locked or locked[0][0] or not int(reward.energy_points or 0):
		return None
	why = why_no_energy_points()
	if why:
		_set(reward, energy_points_note=why)
		return None
	log = energy_points_module("Energy Point Log").create_energy_points_log(
		REWARD,
		reward.name,
		{
			"type": "Auto",
			"user": reward.user,
			"points": int(reward.energy_points),
			"reason": _("CRM adoption reward: {0} ({1}, {2} to {3})").format(
				reward.reward,
				reward.program,
				formatdate(reward.period_start),
				formatdate(reward.period_end),
			),
		},
	)
	_set(reward, energy_point_log=log.name, energy_points_note=None)
	return log.name


def _set(reward, **values) -> None:
	"""Record values on the reward (in the database and on the document) without a new save."""
	frappe.db.set_value(REWARD, reward.name, values, update_modified=False)
	reward.update(values)
