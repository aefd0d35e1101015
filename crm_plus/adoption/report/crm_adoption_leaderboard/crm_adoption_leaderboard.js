// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["CRM Adoption Leaderboard"] = {
	filters: [
		{
			fieldname: "program",
			label: __("Program"),
			fieldtype: "Link",
			options: "CRM Adoption Program",
			get_query: () => ({ filters: { enabled: 1 } }),
		},
		{
			fieldname: "date",
			label: __("Period Holding"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
	],
	// The program is chosen before the report's first run: Frappe runs a report right after its onload (and
	// waits for the promise it returns). It is not a required filter: an empty required filter throws
	// "Filter missing" in the page; without a program the report says what to choose.
	onload(report) {
		if (report.get_filter_value("program")) return;
		return frappe.db.get_list("CRM Adoption Program", { filters: { enabled: 1 }, limit: 1 }).then((rows) => {
			if (rows.length) report.set_filter_value("program", rows[0].name);
		});
	},
};
