frappe.listview_settings["Customer Touchpoint"] = {
	add_fields: ["status", "touchpoint_type"],
	get_indicator(doc) {
		return doc.status === "Cancelled"
			? [__("Cancelled"), "red", "status,=,Cancelled"]
			: [__(doc.touchpoint_type), "blue", "touchpoint_type,=," + doc.touchpoint_type];
	},
};
