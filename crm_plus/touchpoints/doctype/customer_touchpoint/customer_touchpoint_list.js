frappe.listview_settings["Customer Touchpoint"] = {
	add_fields: ["status", "touchpoint_type", "posting_date", "customer"],
	// the Status column says Active or Cancelled; the type has a column of its own
	get_indicator(doc) {
		return doc.status === "Cancelled"
			? [__("Cancelled"), "red", "status,=,Cancelled"]
			: [__("Active"), "green", "status,=,Active"];
	},
};
