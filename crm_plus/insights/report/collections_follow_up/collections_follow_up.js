// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Collections Follow-up"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{ fieldname: "account_owner", label: __("Account Owner"), fieldtype: "Link", options: "User" },
		{ fieldname: "min_days_overdue", label: __("Overdue by at Least (Days)"), fieldtype: "Int", default: 0 },
		// the buckets of ERPNext's Accounts Receivable, with its default (Accounts Settings)
		{ fieldname: "range", label: __("Ageing Range"), fieldtype: "Data", default: "30, 60, 90, 120" },
		{ fieldname: "limit", label: __("Rows"), fieldtype: "Int", default: 500 },
	],
	onload(report) {
		const range = frappe.boot.sysdefaults && frappe.boot.sysdefaults.default_ageing_range;
		if (range) report.set_filter_value("range", range);
	},
};
