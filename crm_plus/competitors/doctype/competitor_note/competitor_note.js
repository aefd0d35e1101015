// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Competitor Note", {
	setup(frm) {
		frm.set_query("captured_by", () => ({ filters: { enabled: 1, user_type: "System User" } }));
		frm.set_query("opportunity", () =>
			frm.doc.customer
				? { filters: { opportunity_from: "Customer", party_name: frm.doc.customer } }
				: {}
		);
		frm.set_query("quotation", () =>
			frm.doc.customer ? { filters: { quotation_to: "Customer", party_name: frm.doc.customer } } : {}
		);
	},

	refresh(frm) {
		if (frm.doc.customer && !frm.is_new()) {
			frm.add_custom_button(
				__("Customer Touchpoints"),
				() => frappe.set_route("List", "Customer Touchpoint", { customer: frm.doc.customer }),
				__("View")
			);
		}
	},
});
