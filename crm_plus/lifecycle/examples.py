"""The source material's rules, shipped as disabled examples a manager reviews and enables."""

import frappe

EXAMPLES = (
	{
		"title": "Follow up new prospects twice a week",
		"description": "A prospect is followed up at least twice in 7 days; otherwise its account owner gets a ToDo.",
		"stages": ["Prospect"],
		"condition": "few_followups",
		"parameters": {"count": 2, "days": 7},
		"action": "Assign ToDo",
		"responsible": "Account Owner",
		"cooldown_days": 7,
	},
	{
		"title": "Answer feedback within 24 hours",
		"description": "Feedback and complaints are answered within 24 hours; otherwise the account owner gets a ToDo.",
		"stages": [],
		"condition": "unanswered_feedback",
		"parameters": {"hours": 24},
		"action": "Assign ToDo",
		"responsible": "Account Owner",
		"cooldown_days": 1,
	},
	{
		"title": "No purchase for 60 days: remind the account owner",
		"description": "Two months without a purchase: the account owner gets a ToDo to get in touch.",
		"stages": ["Nurturing", "Maintenance", "At Risk"],
		"condition": "no_purchase",
		"parameters": {"days": 60},
		"action": "Assign ToDo",
		"responsible": "Account Owner",
		"cooldown_days": 30,
	},
	{
		"title": "Purchase frequency halved: flag At Risk",
		"description": "Half as many purchases in the last 90 days as in the 90 days before: the customer is At Risk.",
		"stages": ["Nurturing", "Maintenance"],
		"condition": "frequency_drop",
		"parameters": {"percent": 50, "days": 90},
		"action": "Set Stage",
		"target_stage": "At Risk",
		"cooldown_days": 30,
	},
	{
		"title": "Invoice overdue by 30 days: alert the account owner",
		"description": "An invoice unpaid 30 days after its due date: the account owner gets a ToDo.",
		"stages": [],
		"condition": "overdue_invoice",
		"parameters": {"days": 30},
		"action": "Assign ToDo",
		"responsible": "Account Owner",
		"cooldown_days": 30,
	},
)


def install() -> list[str]:
	"""Create the missing example rules, disabled; returns the names created (idempotent)."""
	created = []
	for example in EXAMPLES:
		if frappe.db.exists("Lifecycle Rule", example["title"]):
			continue
		doc = frappe.get_doc(
			{
				"doctype": "Lifecycle Rule",
				"enabled": 0,
				**{k: v for k, v in example.items() if k not in ("stages", "parameters")},
				"stages": [{"lifecycle_stage": stage} for stage in example["stages"]],
				"parameters": [{"parameter": k, "value": v} for k, v in example["parameters"].items()],
			}
		)
		doc.insert(ignore_permissions=True)
		created.append(doc.name)
	return created
