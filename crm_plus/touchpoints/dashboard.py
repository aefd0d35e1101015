from frappe import _


def customer_dashboard(data: dict) -> dict:
	"""Add the relationship record and touchpoints to the Customer form's connections."""
	data.setdefault("transactions", []).append(
		{"label": _("Relationship"), "items": ["Customer Relationship", "Customer Touchpoint"]}
	)
	return data
