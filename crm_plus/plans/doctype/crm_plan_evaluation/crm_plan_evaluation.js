// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Plan Evaluation", {
	refresh(frm) {
		if (frm.doc.plan) {
			frm.add_custom_button(__("Open Plan"), () => frappe.set_route("Form", "CRM Plan", frm.doc.plan));
		}
	},
});
