// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

// Run Backfill Now: what it will do (or why it would do nothing) before it starts, what happened after it
// was pressed, and how it ended (the job tells the user who pressed it)
frappe.ui.form.on("CRM Plus Settings", {
	refresh(frm) {
		if (frm.crm_plus_backfill_listener) return;
		frm.crm_plus_backfill_listener = true;
		frappe.realtime.on("crm_plus_backfill_done", (out) => {
			const message = frappe.utils.escape_html(out.message);
			frappe.msgprint({ title: __("CRM Plus Backfill"), message });
			frm.reload_doc();
		});
	},

	run_backfill(frm) {
		const esc = frappe.utils.escape_html;
		frappe
			.call({ method: "crm_plus.touchpoints.api.before_backfill", type: "GET" })
			.then(({ message: plan }) => {
				const body = `<p class="crm-plus-backfill-plan">${esc(plan.message)}</p>`;
				if (plan.running) {
					frappe.msgprint({ title: __("CRM Plus Backfill"), message: body });
					return;
				}
				const question = `<p>${esc(__("Start it now?"))}</p>`;
				frappe.confirm(body + crm_plus.say_why.links(plan.problems) + question, () =>
					frappe.call("crm_plus.touchpoints.api.start_backfill").then(({ message: r }) => {
						if (!r.problems.length && r.queued) {
							frappe.show_alert({ message: r.message, indicator: "blue" });
							return;
						}
						frappe.msgprint({
							title: __("CRM Plus Backfill"),
							indicator: "orange",
							message: `<p>${esc(r.message)}</p>` + crm_plus.say_why.links(r.problems),
						});
					})
				);
			});
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
