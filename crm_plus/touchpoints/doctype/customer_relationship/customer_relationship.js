// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Relationship", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.set_intro(
			__("The lifecycle stage is set by crm_plus from purchases, touchpoints and lifecycle rules."),
			"blue"
		);
		frm.add_custom_button(__("Customer"), () => frappe.set_route("Form", "Customer", frm.doc.customer), __("Open"));
		frm.add_custom_button(
			__("Touchpoints"),
			() => frappe.set_route("List", "Customer Touchpoint", { customer: frm.doc.customer }),
			__("Open")
		);
		frm.add_custom_button(
			__("Stage History"),
			() => frappe.set_route("List", "Customer Stage Change", { customer: frm.doc.customer }),
			__("Open")
		);
		frm.add_custom_button(__("Refresh Figures"), () =>
			frappe
				.call(
					"crm_plus.touchpoints.doctype.customer_relationship.customer_relationship.refresh_figures",
					{ customer: frm.doc.name }
				)
				.then(() => frm.reload_doc())
		);
	},
});
