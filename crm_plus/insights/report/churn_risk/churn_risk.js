// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Churn Risk"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{ fieldname: "account_owner", label: __("Account Owner"), fieldtype: "Link", options: "User" },
		{ fieldname: "min_drop_percent", label: __("Frequency Drop at Least (%)"), fieldtype: "Int", default: 50 },
		{
			fieldname: "churn_days",
			label: __("No Purchase For (Days)"),
			fieldtype: "Int",
			description: __("Defaults to the churn threshold in CRM Plus Settings"),
		},
		{ fieldname: "limit", label: __("Rows"), fieldtype: "Int", default: 500 },
	],
};
