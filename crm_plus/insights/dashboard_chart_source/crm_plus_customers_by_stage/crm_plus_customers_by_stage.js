// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CRM Plus Customers by Stage"] = {
	method: "crm_plus.insights.dashboard_chart_source.crm_plus_customers_by_stage.crm_plus_customers_by_stage.get",
	filters: [],
};
