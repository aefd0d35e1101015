// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Customer Health"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "health_label", label: __("Health"), fieldtype: "Select", options: ["", "Healthy", "Needs Attention", "Unhealthy"] },
		{
			fieldname: "rfm_segment",
			label: __("RFM Segment"),
			fieldtype: "Select",
			options: ["", "Champions", "Loyal", "New", "Potential", "Slipping Away", "Hibernating", "Lost"],
		},
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
		{ fieldname: "account_owner", label: __("Account Owner"), fieldtype: "Link", options: "User" },
		{
			fieldname: "limit",
			label: __("Rows"),
			fieldtype: "Int",
			default: 500,
			description: __("The least healthy customers first; the chart counts every customer"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "health_label" && data) {
			const color = { Healthy: "green", "Needs Attention": "orange", Unhealthy: "red" }[data.health_label];
			if (color) value = `<span class="indicator-pill ${color}">${__(data.health_label)}</span>`;
		}
		return value;
	},
};
