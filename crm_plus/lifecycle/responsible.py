"""Who is responsible for a rule's alerts: the account owner, the stage owner from the active CRM Plan, a
role (its users take turns) or a named user. A few queries per batch of alerts, never one per customer.

Stage owners belong to a company's CRM Plan. A rule with a company takes them from that company's active
plan. A rule without one (all companies) takes each customer's owner from the active plan of the company
that customer deals with (``customer_companies``), never from another company's plan: a customer nobody
can place in one company gets no stage owner, and the rule's fallback user (if any) instead."""

import frappe

from crm_plus.touchpoints import chunks

ACCOUNT_OWNER, STAGE_OWNER, ROLE, USER = "Account Owner", "Stage Owner", "Role", "User"


def users_for(rule, customers: list[str]) -> dict[str, str | None]:
	"""The responsible user of each customer; the rule's fallback user where there is nobody (or only a
	disabled user: someone who left sees no ToDo), else None."""
	found = _responsible_users(rule, customers)
	named = list(set(found.values()) - {None})
	enabled = set(
		frappe.get_all("User", filters={"name": ("in", named), "enabled": 1}, pluck="name") if named else ()
	)
	found = {c: user if user in enabled else None for c, user in found.items()}
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
		return stage_owner_users(rule.company, customers)
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


def stage_owner_users(company: str | None, customers: list[str]) -> dict[str, str | None]:
	"""Each customer's stage owner: from the active plan of ``company``, or, without one, of the company
	the customer deals with."""
	stages = _stages(customers)
	if company:
		owners = stage_owners(company)
		return {c: owners.get(stage) for c, stage in stages.items()}
	by_company = plan_stage_owners()
	if not by_company:
		return dict.fromkeys(customers)
	companies = customer_companies(customers)
	return {c: by_company.get(companies.get(c), {}).get(stage) for c, stage in stages.items()}


def stage_owners(company: str) -> dict[str, str]:
	"""Stage → user from the company's active CRM Plan; {} when it has none."""
	return plan_stage_owners(company).get(company, {})


def plan_stage_owners(company: str | None = None) -> dict[str, dict[str, str]]:
	"""Company → (stage → user) from the active CRM Plans (of ``company`` only, when given); of two active
	plans of one company, the more recently modified wins."""
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
		.select(plan.company, owner.lifecycle_stage, owner.user)
		.where((plan.status == "Active") & owner.user.isnotnull())
		.orderby(plan.modified)
		.orderby(owner.idx)
	)
	if company:
		query = query.where(plan.company == company)
	found: dict[str, dict[str, str]] = {}
	for plan_company, stage, user in query.run():
		found.setdefault(plan_company, {})[stage] = user  # later (more recently modified) plans win
	return found


def customer_companies(customers: list[str]) -> dict[str, str | None]:
	"""The company each customer deals with: the only company on its active touchpoints (its quotations,
	orders, invoices, payments...); with several, the one it buys most from (the Customer Relationship's
	``rfm_company``) when that is one of them; with none, that same ``rfm_company``, or the site's only
	company. None when that does not single one out."""
	rows = frappe.db.sql(
		"""
		select tp.customer, tp.company from `tabCustomer Touchpoint` tp
		where tp.customer in %(customers)s and tp.status = 'Active' and tp.company is not null
			and tp.company != ''
		group by tp.customer, tp.company
		""",
		{"customers": tuple(customers)},
	)
	dealt_with: dict[str, set[str]] = {}
	for customer, company in rows:
		dealt_with.setdefault(customer, set()).add(company)
	main = dict(
		frappe.get_all(
			"Customer Relationship",
			filters={"name": ("in", customers), "rfm_company": ("is", "set")},
			fields=["name", "rfm_company"],
			as_list=True,
		)
	)
	all_companies = frappe.get_all("Company", pluck="name", limit=2)
	only_company = all_companies[0] if len(all_companies) == 1 else None
	found = {}
	for customer in customers:
		companies = dealt_with.get(customer, set())
		if len(companies) == 1:
			found[customer] = next(iter(companies))
		elif companies:
			found[customer] = main.get(customer) if main.get(customer) in companies else None
		else:
			found[customer] = main.get(customer) or only_company
	return found


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
