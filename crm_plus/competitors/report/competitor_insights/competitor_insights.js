// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.query_reports["Competitor Insights"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "competitor", label: __("Competitor"), fieldtype: "Link", options: "Competitor" },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{
			fieldname: "aspect",
			label: __("Aspect"),
			fieldtype: "Select",
			options: [
				"",
				{ value: "Pricing", label: __("Pricing") },
				{ value: "Product", label: __("Product") },
				{ value: "Service", label: __("Service") },
				{ value: "Communication Channel", label: __("Communication Channel") },
				{ value: "Promotion", label: __("Promotion") },
				{ value: "Delivery", label: __("Delivery") },
				{ value: "Other", label: __("Other") },
			],
		},
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			description: __("Applies to lost deals; notes belong to no company."),
		},
	],
};
