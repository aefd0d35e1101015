// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.provide("crm_plus.lifecycle");
crm_plus.lifecycle.condition_labels = crm_plus.lifecycle.condition_labels || {};

frappe.ui.form.on("Lifecycle Alert", {
	setup() {
		// stored as a key and an English name: shown as the reader's labels (the condition's comes with the form)
		const fields = frappe.meta.docfield_map["Lifecycle Alert"] || {};
		if (fields.action) fields.action.formatter = (value) => (value ? __(value) : "");
		if (fields.condition) {
			fields.condition.formatter = (value) =>
				frappe.utils.escape_html(crm_plus.lifecycle.condition_labels[value] || value || "");
		}
	},

	onload(frm) {
		const shown = frm.doc.__onload?.shown;
		if (shown) crm_plus.lifecycle.condition_labels[frm.doc.condition] = shown.condition;
	},

	refresh(frm) {
		if (frm.doc.status === "Open") {
			frm.add_custom_button(__("Resolve"), () => {
				frm.set_value("status", "Resolved");
				frm.save();
			});
			// one click to the call that answers the alert: the touchpoint resolves it when saved
			if (frappe.model.can_create("Customer Touchpoint")) {
				frm.add_custom_button(__("Log Call"), () =>
					frappe.new_doc("Customer Touchpoint", {
						customer: frm.doc.customer,
						touchpoint_type: "Call",
						channel: "Phone",
						direction: "Outbound",
						lifecycle_alert: frm.doc.name,
						resolve_alert: 1,
					})
				);
			}
		}
		if (frm.doc.todo) {
			frm.add_custom_button(__("ToDo"), () => frappe.set_route("Form", "ToDo", frm.doc.todo), __("Open"));
		}
		if (frm.doc.customer) {
			frm.add_custom_button(
				__("Customer"),
				() => frappe.set_route("Form", "Customer", frm.doc.customer),
				__("Open")
			);
		}
		show_matched_values(frm);
	},
});

// the values that made the rule match, labelled and in the reader's language (the server sends them with
// the form, amounts only for those who may read them), as a table rather than raw JSON
function show_matched_values(frm) {
	frm.toggle_display(["facts", "matched_values"], false);
	const wrapper = frm.fields_dict.explanation.$wrapper;
	wrapper.find(".crm-plus-matched-values").remove();
	const values = frm.doc.__onload?.shown?.values || [];
	const rows = values
		.map(([key, value, label]) => {
			const text = /^\d{4}-\d{2}-\d{2}$/.test(String(value))
				? frappe.datetime.str_to_user(value)
				: String(value);
			return `<tr data-key="${frappe.utils.escape_html(key)}"><td class="text-muted">${frappe.utils.escape_html(
				label
			)}</td><td>${frappe.utils.escape_html(text)}</td></tr>`;
		})
		.join("");
	if (!rows) return;
	wrapper.append(
		`<div class="crm-plus-matched-values" style="margin-top: 8px">
			<div class="text-muted small">${__("Matched Values")}</div>
			<table class="table table-sm table-bordered" style="max-width: 480px">${rows}</table>
		</div>`
	);
}
