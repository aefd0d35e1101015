// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CRM Plus Touchpoints by Type"] = {
	method: "crm_plus.insights.dashboard_chart_source.crm_plus_touchpoints_by_type.crm_plus_touchpoints_by_type.get",
	filters: [],
};
