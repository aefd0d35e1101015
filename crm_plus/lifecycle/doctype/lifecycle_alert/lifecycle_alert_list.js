// Alerts are listed by customer (the title), status and rule: their numeric IDs say nothing to a person.
frappe.listview_settings["Lifecycle Alert"] = {
	hide_name_column: true,
	add_fields: ["status", "customer", "rule", "matched_on"],
	get_indicator(doc) {
		if (doc.status === "Merged") return [__("Merged"), "gray", "status,=,Merged"];
		return doc.status === "Resolved"
			? [__("Resolved"), "green", "status,=,Resolved"]
			: [__("Open"), "orange", "status,=,Open"];
	},
};
