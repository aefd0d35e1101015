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
		{ fieldname: "date", label: __("Period Holding"), fieldtype: "Date", reqd: 1 },
	],
	// Frappe runs the report once, right after onload (waiting for the promise it returns). The program and
	// the day are set here, while Frappe holds every other run: a filter's default would run the report once
	// before that, with no program yet (an empty required filter threw "Filter missing" in the page; an
	// optional one makes a request that the next run aborts). Without a program the report says what to choose.
	onload(report) {
		const set = (fieldname, value) => report.get_filter(fieldname).set_value(value);
		const tasks = [];
		if (!report.get_filter_value("date")) tasks.push(set("date", frappe.datetime.get_today()));
		if (!report.get_filter_value("program")) {
			tasks.push(
				frappe.db
					.get_list("CRM Adoption Program", { filters: { enabled: 1 }, limit: 1 })
					.then((rows) => rows.length && set("program", rows[0].name))
			);
		}
		return Promise.all(tasks);
	},
};
