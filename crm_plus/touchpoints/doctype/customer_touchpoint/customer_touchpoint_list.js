frappe.listview_settings["Customer Touchpoint"] = {
	// listed by customer (the title), status, type and date: the numeric ID says nothing to a person
	hide_name_column: true,
	add_fields: ["status", "touchpoint_type", "posting_date", "customer"],
	// the Status column says Active or Cancelled; the type has a column of its own
	get_indicator(doc) {
		return doc.status === "Cancelled"
			? [__("Cancelled"), "red", "status,=,Cancelled"]
			: [__("Active"), "green", "status,=,Active"];
	},
};
