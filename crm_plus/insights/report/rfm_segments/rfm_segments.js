// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["RFM Segments"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			description: __("Set both dates to see how customers moved between segments"),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
};
