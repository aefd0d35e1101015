"""Who may call each of crm_plus's endpoints and list each of its doctypes: the allow-list that
``tests/integration/test_access_matrix.py`` checks over HTTP, as users holding only a persona's roles.

A whitelisted method or doctype added without an entry here fails that test. Each entry names the
personas that are let through; every other persona must be refused (HTTP 403). Methods that act (queue
a job, evaluate a plan, run a rule) are only tried by the personas who must be refused (``acts``).
"""

# persona -> roles (None: a guest; an empty tuple: a Website User with no role)
PERSONAS = {
	"guest": None,
	"website": (),
	"staff": ("Employee",),
	"crm_user": ("CRM User",),
	"sales_user": ("Sales User",),
	"account_manager": ("Sales User", "CRM User"),
	"sales_manager": ("Sales Manager", "Sales User", "CRM Manager"),
	"accounts": ("Accounts User",),
	"support": ("Support Team",),
}

CUSTOMER_READERS = frozenset({"sales_user", "account_manager", "sales_manager", "accounts"})
PLAN_READERS = frozenset({"crm_user", "sales_user", "account_manager", "sales_manager"})
RULE_READERS = frozenset({"crm_user", "account_manager", "sales_manager"})
TOUCHPOINT_READERS = CUSTOMER_READERS | {"crm_user"}
MANAGERS = frozenset({"sales_manager"})
# support agents send surveys and send them again: feedback is theirs to handle
SURVEY_SENDERS = CUSTOMER_READERS - {"accounts"} | {"support"}
DESK = frozenset(PERSONAS) - {"guest", "website"}

# method -> (personas let through, arguments ({...} filled from the test's records), acts)
METHODS = {
	"crm_plus.plans.api.get_kpis": (PLAN_READERS, {}, False),
	"crm_plus.plans.api.evaluate_now": (MANAGERS, {"plan": "{plan}"}, True),
	"crm_plus.plans.api.get_kpi_trend": (PLAN_READERS, {"plan": "{plan}"}, False),
	"crm_plus.plans.doctype.crm_plan.crm_plan.CRMPlan.activate": (MANAGERS, {"doc": "CRM Plan:{plan}"}, True),
	"crm_plus.plans.doctype.crm_plan.crm_plan.CRMPlan.close": (MANAGERS, {"doc": "CRM Plan:{plan}"}, True),
	"crm_plus.touchpoints.doctype.customer_relationship.customer_relationship.refresh_figures": (
		CUSTOMER_READERS - {"accounts"},
		{"customer": "{customer}"},
		True,
	),
	"crm_plus.touchpoints.api.get_timeline": (CUSTOMER_READERS, {"customer": "{customer}"}, False),
	"crm_plus.touchpoints.api.get_relationship_summary": (
		CUSTOMER_READERS,
		{"customer": "{customer}"},
		False,
	),
	"crm_plus.touchpoints.api.start_backfill": (MANAGERS, {}, True),
	"crm_plus.touchpoints.api.manual_types": (TOUCHPOINT_READERS, {}, False),
	"crm_plus.competitors.api.make_notes_from_lost_deal": (
		CUSTOMER_READERS,
		{"doctype": "Quotation", "name": "{quotation}"},
		True,
	),
	"crm_plus.competitors.api.get_plan_notes": (PLAN_READERS, {"plan": "{plan}"}, False),
	"crm_plus.feedback.api.submit": (frozenset(PERSONAS), {"token": "not-a-token"}, False),
	"crm_plus.feedback.api.send_survey": (
		SURVEY_SENDERS,
		{"survey": "{survey}", "customers": '["{customer}"]'},
		True,
	),
	"crm_plus.feedback.api.survey_recipients": (
		SURVEY_SENDERS,
		{"customers": '["{customer}"]', "survey": "{survey}"},
		False,
	),
	"crm_plus.feedback.api.resend_invitation": (SURVEY_SENDERS, {"invitation": "{invitation}"}, True),
	"crm_plus.lifecycle.api.condition_options": (RULE_READERS, {}, False),
	"crm_plus.lifecycle.api.before_run": (MANAGERS, {"rule": "{rule}"}, False),
	"crm_plus.plans.api.before_evaluate": (MANAGERS, {"plan": "{plan}"}, False),
	"crm_plus.touchpoints.api.before_backfill": (MANAGERS, {}, False),
	"crm_plus.touchpoints.my_day.get_my_day": (TOUCHPOINT_READERS, {}, False),
	"crm_plus.insights.dashboard_chart_source.crm_plus_customers_by_stage.crm_plus_customers_by_stage.get": (
		TOUCHPOINT_READERS,
		{},
		False,
	),
	"crm_plus.insights.dashboard_chart_source.crm_plus_customers_by_segment.crm_plus_customers_by_segment.get": (
		TOUCHPOINT_READERS,
		{},
		False,
	),
	"crm_plus.lifecycle.api.preview": (RULE_READERS, {"rule": "{rule}"}, False),
	"crm_plus.lifecycle.api.run_now": (MANAGERS, {"rule": "{rule}"}, True),
	"crm_plus.insights.dashboard_chart_source.crm_plus_touchpoints_by_type.crm_plus_touchpoints_by_type.get": (
		TOUCHPOINT_READERS,
		{},
		False,
	),
	"crm_plus.insights.cards.active_customers": (TOUCHPOINT_READERS, {}, False),
	"crm_plus.insights.cards.customers_at_risk": (TOUCHPOINT_READERS, {}, False),
	"crm_plus.insights.cards.overdue_amount": (TOUCHPOINT_READERS, {}, False),
	"crm_plus.insights.cards.average_days_to_pay": (TOUCHPOINT_READERS, {}, False),
	"crm_plus.insights.cards.open_lifecycle_alerts": (RULE_READERS, {}, False),
	"crm_plus.insights.cards.nps": (DESK - {"accounts"}, {}, False),
	"crm_plus.insights.api.recompute": (MANAGERS, {}, True),
	# a support agent reads customers (not their transactions): the health score, not its amounts
	"crm_plus.insights.api.get_health": (CUSTOMER_READERS | {"support"}, {"customer": "{customer}"}, False),
	"crm_plus.adoption.leaderboard.get_adoption_leaderboard": (DESK, {}, False),
	"crm_plus.adoption.doctype.crm_adoption_reward.crm_adoption_reward.CRMAdoptionReward.approve": (
		MANAGERS,
		{"doc": "CRM Adoption Reward:{reward}"},
		True,
	),
	"crm_plus.adoption.doctype.crm_adoption_reward.crm_adoption_reward.CRMAdoptionReward.reject": (
		MANAGERS,
		{"doc": "CRM Adoption Reward:{reward}"},
		True,
	),
	"crm_plus.adoption.doctype.crm_adoption_program.crm_adoption_program.CRMAdoptionProgram.recompute": (
		MANAGERS,
		{"doc": "CRM Adoption Program:{program}"},
		True,
	),
	"crm_plus.adoption.api.metric_options": (DESK, {}, False),
}

# doctype -> personas whose GET /api/resource/<doctype> is answered (the rows their list shows);
# every other persona is refused
DOCTYPES = {
	"CRM Adoption Program": DESK,
	"CRM Adoption Reward": DESK,
	"CRM Adoption Score": DESK,
	"Competitor Note": PLAN_READERS,
	"CRM Plus Settings": DESK,  # the workspace reads it for every desk user
	"Feedback Invitation": CUSTOMER_READERS - {"accounts"} | {"crm_user", "support"},
	"Feedback Response": CUSTOMER_READERS - {"accounts"} | {"crm_user", "support", "staff"},
	"Feedback Survey": CUSTOMER_READERS - {"accounts"} | {"crm_user", "support", "staff"},
	"Customer Segment History": PLAN_READERS,
	"Customer Stage Change": RULE_READERS,
	"Lifecycle Alert": RULE_READERS,
	"Lifecycle Rule": RULE_READERS,
	"CRM Plan": PLAN_READERS,
	"CRM Plan Evaluation": PLAN_READERS,
	"Customer Relationship": TOUCHPOINT_READERS,
	"Customer Touchpoint": TOUCHPOINT_READERS,
}
