from frappe import _


def customer_dashboard(data: dict) -> dict:
	"""Add the customer's touchpoints and lifecycle alerts to the Customer form's connections.

	The relationship record is not listed: there is exactly one per customer, made by crm_plus, so a "+"
	to create another would only invite a duplicate. The summary at the top of the form links to it.
	"""
	data.setdefault("transactions", []).append(
		{"label": _("Relationship"), "items": ["Customer Touchpoint", "Lifecycle Alert"]}
	)
	return data
