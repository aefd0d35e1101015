// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

const API = "crm_plus.lifecycle.api";

frappe.ui.form.on("Lifecycle Rule", {
	onload(frm) {
		frappe.call(`${API}.condition_options`).then((r) => {
			frm.conditions = r.message || [];
			frm.set_df_property(
				"condition",
				"options",
				frm.conditions.map((c) => ({ label: __(c.label), value: c.key }))
			);
		});
	},

	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Preview"), () => show_preview(frm));
		if (frappe.user.has_role(["CRM Manager", "System Manager"])) {
			frm.add_custom_button(__("Run now"), () =>
				frappe.confirm(__("Check this rule now and act on the customers it matches?"), () =>
					frappe.call({ method: `${API}.run_now`, args: { rule: frm.doc.name } }).then((r) => {
						const out = r.message || {};
						frappe.msgprint(
							out.queued
								? __("{0} background jobs queued.", [out.queued])
								: __("{0} new alerts.", [(out.alerts || []).length])
						);
					})
				)
			);
		}
	},

	condition(frm) {
		const condition = (frm.conditions || []).find((c) => c.key === frm.doc.condition);
		if (!condition) return;
		frm.clear_table("parameters");
		condition.parameters.forEach((p) =>
			frm.add_child("parameters", { parameter: p.name, label: __(p.label), value: p.default })
		);
		frm.refresh_field("parameters");
	},
});

function show_preview(frm) {
	frappe.call({ method: `${API}.preview`, args: { rule: frm.doc.name } }).then((r) => {
		const out = r.message || { matches: [], total: 0 };
		const rows = out.matches
			.map(
				(m) =>
					`<tr><td>${frappe.utils.escape_html(m.customer)}</td>` +
					`<td>${frappe.utils.escape_html(__(m.lifecycle_stage || ""))}</td>` +
					`<td>${frappe.utils.escape_html(m.explanation)}</td></tr>`
			)
			.join("");
		frappe.msgprint({
			title: __("{0} customers match now", [out.total]),
			message:
				`<p>${__("Run now would alert these customers (those in cooldown are left out).")}</p>` +
				`<table class="table table-bordered"><tr><th>${__("Customer")}</th><th>${__(
					"Stage"
				)}</th><th>${__("Why")}</th></tr>${rows}</table>`,
			wide: true,
		});
	});
}
