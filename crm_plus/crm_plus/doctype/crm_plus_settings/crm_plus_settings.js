// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Plus Settings", {
	run_backfill(frm) {
		frappe.confirm(
			__("Record touchpoints for every submitted sales, billing and payment document? This runs in the background."),
			() => frappe.call("crm_plus.touchpoints.api.start_backfill")
		);
	},
});

frappe.ui.form.on("CRM Plus Settings", {
	recompute_insights(frm) {
		frappe.confirm(
			__("Recompute every customer's health score and RFM segment? This runs in the background."),
			() =>
				frappe
					.call({ method: "crm_plus.insights.api.recompute", type: "POST" })
					.then(() => frappe.show_alert({ message: __("Recompute queued"), indicator: "blue" }))
		);
	},
});
