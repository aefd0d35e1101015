// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Lifecycle Alert", {
	refresh(frm) {
		if (frm.doc.status === "Open") {
			frm.add_custom_button(__("Resolve"), () => {
				frm.set_value("status", "Resolved");
				frm.save();
			});
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

// the values that made the rule match, as a table of labelled values rather than raw JSON
function show_matched_values(frm) {
	frm.toggle_display(["facts", "matched_values"], false);
	const wrapper = frm.fields_dict.explanation.$wrapper;
	wrapper.find(".crm-plus-matched-values").remove();
	let values = {};
	try {
		// facts for everyone, amounts (permlevel 1) only for those who may read them
		values = {
			...(JSON.parse(frm.doc.facts || "{}") || {}),
			...(JSON.parse(frm.doc.matched_values || "{}") || {}),
		};
	} catch (e) {
		return;
	}
	const hidden = ["lifecycle_stage"];
	const rows = Object.entries(values)
		.filter(([key, value]) => value !== null && value !== "" && !hidden.includes(key))
		.map(([key, value]) => {
			const text = /^\d{4}-\d{2}-\d{2}$/.test(String(value))
				? frappe.datetime.str_to_user(value)
				: String(value);
			return `<tr><td class="text-muted">${frappe.utils.escape_html(
				__(frappe.unscrub(key))
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
