"""Who is responsible for a rule's alerts: the account owner, the stage owner from the active CRM Plan, a
role (its users take turns) or a named user. One query per rule run, never one per customer."""

import frappe

from crm_plus.touchpoints import chunks

ACCOUNT_OWNER, STAGE_OWNER, ROLE, USER = "Account Owner", "Stage Owner", "Role", "User"


def users_for(rule, customers: list[str]) -> dict[str, str | None]:
	"""The responsible user of each customer; the rule's fallback user where there is nobody, else None."""
	found = _responsible_users(rule, customers)
	fallback = rule.get("fallback_user")
	if fallback and frappe.db.get_value("User", fallback, "enabled"):
		found = {c: user or fallback for c, user in found.items()}
	return found


def _responsible_users(rule, customers: list[str]) -> dict[str, str | None]:
	if not customers:
		return {}
	if rule.responsible == USER:
		return dict.fromkeys(customers, rule.responsible_user)
	if rule.responsible == ROLE:
		return round_robin(rule, customers)
	if rule.responsible == STAGE_OWNER:
		owners = stage_owners(rule.company)
		return {c: owners.get(stage) for c, stage in _stages(customers).items()}
	if rule.responsible == ACCOUNT_OWNER:
		return account_owners(customers)
	return dict.fromkeys(customers)


def round_robin(rule, customers: list[str]) -> dict[str, str | None]:
	"""The role's users take turns, continuing after the user the rule's last run assigned (kept in the
	database, as ERPNext's Assignment Rule keeps ``last_user``); ``remember`` records it."""
	users = role_users(rule.responsible_role)
	if not users:
		return dict.fromkeys(customers)
	last = chunks.get_state(_round_robin_key(rule))
	start = users.index(last) + 1 if last in users else 0
	return {c: users[(start + i) % len(users)] for i, c in enumerate(customers)}


def remember(rule, user: str | None) -> None:
	"""Record the last user a round-robin rule assigned, so that its next run continues after them."""
	if user and rule.responsible == ROLE:
		chunks.set_state(_round_robin_key(rule), user)


def _round_robin_key(rule) -> str:
	return f"crm_plus_round_robin:{rule.name}"


def account_owners(customers: list[str]) -> dict[str, str | None]:
	"""The relationship's account owner, else the Customer's account manager."""
	rows = frappe.db.sql(
		"""
		select c.name, coalesce(r.account_owner, c.account_manager) as owner
		from `tabCustomer` c
		left join `tabCustomer Relationship` r on r.name = c.name
		where c.name in %(customers)s
		""",
		{"customers": tuple(customers)},
	)
	found = dict(rows)
	return {c: found.get(c) for c in customers}


def stage_owners(company: str | None = None) -> dict[str, str]:
	"""Stage → user from the active CRM Plan (of the rule's company when it has one); {} without CRM Plans."""
	if not frappe.db.table_exists("CRM Plan Stage Owner"):
		return {}
	plan = frappe.qb.DocType("CRM Plan")
	owner = frappe.qb.DocType("CRM Plan Stage Owner")
	query = (
		frappe.qb.from_(plan)
		.join(owner)
		.on(
			(owner.parent == plan.name)
			& (owner.parenttype == "CRM Plan")
			& (owner.parentfield == "stage_owners")
		)
		.select(owner.lifecycle_stage, owner.user)
		.where((plan.status == "Active") & owner.user.isnotnull())
		.orderby(plan.modified)
		.orderby(owner.idx)
	)
	if company:
		query = query.where(plan.company == company)
	# later (more recently modified) plans win
	return {stage: user for stage, user in query.run()}


def role_users(role: str | None) -> list[str]:
	if not role:
		return []
	user = frappe.qb.DocType("User")
	has_role = frappe.qb.DocType("Has Role")
	return (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.distinct()
		.where(
			(has_role.role == role)
			& (has_role.parenttype == "User")
			& (user.enabled == 1)
			& (user.user_type == "System User")
			& user.name.notin(["Guest"])
		)
		.orderby(user.name)
	).run(pluck=True)


def _stages(customers: list[str]) -> dict[str, str]:
	found = dict(
		frappe.get_all(
			"Customer Relationship",
			filters={"name": ("in", customers)},
			fields=["name", "lifecycle_stage"],
			as_list=True,
		)
	)
	return {c: found.get(c) or "Prospect" for c in customers}
