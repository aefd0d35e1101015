// A measure the survey did not ask is shown empty, not as 0 (its number column keeps "nothing" as 0; the
// response records whether it asked a Rating question in has_csat).
frappe.listview_settings["Feedback Response"] = {
	add_fields: ["has_csat"],
	formatters: {
		// markup, not bare text: v16's list view reads a formatter's result with $(…)
		csat(value, df, doc) {
			return `<span>${doc.has_csat ? frappe.format(value, df, { inline: true }, doc) : ""}</span>`;
		},
	},
};
