// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Adoption Program", {
	setup(frm) {
		frappe.call("crm_plus.adoption.api.metric_options").then((r) => {
			frm.adoption_metrics = r.message || [];
			frm.fields_dict.metrics.grid.update_docfield_property(
				"metric",
				"options",
				frm.adoption_metrics.map((m) => ({ label: m.label, value: m.key }))
			);
		});
	},
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Leaderboard"), () =>
			frappe.set_route("query-report", "CRM Adoption Leaderboard", { program: frm.doc.name })
		);
		if (frm.perm[0].write) {
			frm.add_custom_button(__("Recompute Scores"), () =>
				frm.call({ method: "recompute", doc: frm.doc, freeze: true }).then((r) =>
					frappe.show_alert({
						message: __("{0} scores computed", [r.message || 0]),
						indicator: "green",
					})
				)
			);
		}
	},
});

frappe.ui.form.on("CRM Adoption Program Metric", {
	metric(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		const metric = (frm.adoption_metrics || []).find((m) => m.key === row.metric);
		if (metric && !row.target) frappe.model.set_value(cdt, cdn, "target", metric.default_target);
	},
});
