app_name = "crm_plus"
app_title = "CRM Plus"
app_publisher = "crm_plus developers"
app_description = "Customer relationship management that runs on your ERPNext billing data"
app_email = "crm-plus@example.com"
app_license = "mit"

from crm_plus.touchpoints.customer import CUSTOMER_RECORDS as _CUSTOMER_RECORDS
from crm_plus.touchpoints.kinds import SAVED_SOURCE_DOCTYPES as _SAVED_SOURCE_DOCTYPES
from crm_plus.touchpoints.kinds import SOURCE_DOCTYPES as _SOURCE_DOCTYPES

required_apps = ["erpnext"]

export_python_type_annotations = True

# every action that can do nothing says why, with links to fix it (public/js/say_why.js)
app_include_js = ["/assets/crm_plus/js/say_why.js"]

# Customer form: relationship summary and touchpoints
doctype_js = {
	# Insights: the health score and why, in public/js/customer_health.js
	"Customer": ["public/js/customer.js", "public/js/customer_feedback.js", "public/js/customer_health.js"],
	# Competitors: notes from an Opportunity or Quotation marked Lost
	"Opportunity": "public/js/lost_deal.js",
	"Quotation": "public/js/lost_deal.js",
	# Plans: goals in money show their permlevel-1 amounts, or a dash
	"CRM Plan": "public/js/plan_goal_amounts.js",
	"CRM Plan Evaluation": "public/js/plan_goal_amounts.js",
}
# Feedback: send a survey from the Customer list (bulk), as from the form
doctype_list_js = {"Customer": "public/js/customer_feedback.js"}
override_doctype_dashboards = {"Customer": "crm_plus.touchpoints.dashboard.customer_dashboard"}
additional_timeline_content = {"Customer": ["crm_plus.touchpoints.api.timeline_content"]}

# Installation
before_install = "crm_plus.install.before_install"
after_install = "crm_plus.install.after_install"
after_migrate = "crm_plus.install.after_migrate"
before_uninstall = "crm_plus.install.before_uninstall"

# Testing: prepare ERPNext the way its own tests expect (completed setup, _Test Company)
before_tests = "crm_plus.testing.before_tests"

# Permissions: nobody without read access to a Customer sees its touchpoints or relationship
permission_query_conditions = {
	"Customer Touchpoint": "crm_plus.touchpoints.permissions.query_conditions",
	"Customer Relationship": "crm_plus.touchpoints.permissions.query_conditions",
	"Lifecycle Alert": "crm_plus.touchpoints.permissions.query_conditions",
	"Customer Stage Change": "crm_plus.touchpoints.permissions.query_conditions",
	"Customer Segment History": "crm_plus.touchpoints.permissions.query_conditions",
	"Competitor Note": "crm_plus.competitors.permissions.query_conditions",
	"Feedback Response": "crm_plus.feedback.permissions.query_conditions",
	"Feedback Invitation": "crm_plus.feedback.permissions.query_conditions",
}
has_permission = {
	"Customer Touchpoint": "crm_plus.touchpoints.permissions.has_permission",
	"Customer Relationship": "crm_plus.touchpoints.permissions.has_permission",
	"Lifecycle Alert": "crm_plus.touchpoints.permissions.has_permission",
	"Customer Stage Change": "crm_plus.touchpoints.permissions.has_permission",
	"Customer Segment History": "crm_plus.touchpoints.permissions.has_permission",
	"Competitor Note": "crm_plus.competitors.permissions.has_permission",
	"Feedback Response": "crm_plus.feedback.permissions.has_permission",
	"Feedback Invitation": "crm_plus.feedback.permissions.has_permission",
}

# Amounts at permlevel 1 cannot be found by filtering, sorting or grouping on them, through any API
# (Frappe v16 refuses this itself; v15 lets it through)
before_request = ["crm_plus.access.guard_list_request"]

# Document Events: ERPNext sales, billing and collections become customer touchpoints
_touchpoint_events = {
	"on_submit": "crm_plus.touchpoints.events.on_submit",
	"on_update_after_submit": "crm_plus.touchpoints.events.on_update_after_submit",
	"on_cancel": "crm_plus.touchpoints.events.on_cancel",
	"on_trash": "crm_plus.touchpoints.events.on_trash",
}
doc_events = {doctype: dict(_touchpoint_events) for doctype in _SOURCE_DOCTYPES}
# ... and so do contacts (e-mails, calls, meetings) and service (issues, warranty claims), as they are saved
for _doctype in _SAVED_SOURCE_DOCTYPES:
	doc_events[_doctype] = {
		"on_update": "crm_plus.touchpoints.events.on_save",
		"on_trash": "crm_plus.touchpoints.events.on_delete",
	}
# Feedback: a deleted delivery, invoice or issue lets go of its survey invitations
for _doctype in ("Delivery Note", "Sales Invoice", "Issue"):
	_events = doc_events.setdefault(_doctype, {})
	_events["on_trash"] = [
		*([_events["on_trash"]] if "on_trash" in _events else []),
		"crm_plus.feedback.invitations.forget_reference",
	]
doc_events["Customer"] = {
	# Feedback: a support agent reads customers but not their billing figures (crm_plus/feedback/support.py)
	"onload": "crm_plus.feedback.support.customer_onload",
	"on_trash": "crm_plus.touchpoints.customer.on_trash",
	"before_rename": "crm_plus.touchpoints.customer.before_rename",
	"after_rename": "crm_plus.touchpoints.customer.after_rename",
}
# Adoption: a deleted user's scores (computed figures) go with them; granted rewards keep the user
# Relationships: a payment unlinked from its invoices leaves them unpaid again
doc_events["Unreconcile Payment"] = {"on_submit": "crm_plus.touchpoints.events.on_unreconcile"}
doc_events["User"] = {"on_trash": "crm_plus.adoption.scores.forget_user"}
# Competitors: notes made from a lost deal keep their one-per-deal key when the competitor is renamed
doc_events["Competitor"] = {"after_rename": "crm_plus.competitors.lost_deals.follow_rename"}
# crm_plus's records never stop ERPNext from deleting a document, customer or user they point to
ignore_links_on_delete = [*_CUSTOMER_RECORDS, "CRM Adoption Score"]
# ERPNext's "Delete Company Transactions" deletes every record linked to the company: crm_plus's rules,
# plans and relationships (account owner, stage) are set-up, not transactions
company_data_to_be_ignored = ["Lifecycle Rule", "CRM Plan", "Customer Relationship"]
# Lifecycle: closing the ToDo of a lifecycle alert resolves the alert
doc_events["ToDo"] = {"on_update": "crm_plus.lifecycle.events.todo_on_update"}

# Lifecycle stages follow every relationship refresh
crm_plus_after_refresh = ["crm_plus.lifecycle.stages.update_stages"]

# Scheduled Tasks
scheduler_events = {
	# one job running crm_plus's daily steps in order (reconciliation, insights, plan evaluations, lifecycle
	# rules, adoption): Frappe would run separate jobs in any order (crm_plus/nightly.py)
	"daily_long": ["crm_plus.nightly.daily"],
	# Lifecycle: the hour-based rules (feedback not answered within H hours)
	"hourly_long": [
		"crm_plus.lifecycle.engine.hourly",
		# Feedback: surveys after deliveries, invoices and closed issues that came due
		"crm_plus.feedback.trigger.hourly",
	],
}

# Adoption: the adoption board on Frappe's Leaderboard page, beside ERPNext's
leaderboards = ["crm_plus.adoption.leaderboard.get_leaderboards"]
