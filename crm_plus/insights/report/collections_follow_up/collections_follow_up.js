// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Collections Follow-up"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{ fieldname: "account_owner", label: __("Account Owner"), fieldtype: "Link", options: "User" },
		{ fieldname: "min_days_overdue", label: __("Overdue by at Least (Days)"), fieldtype: "Int", default: 0 },
		{ fieldname: "limit", label: __("Rows"), fieldtype: "Int", default: 500 },
	],
};
