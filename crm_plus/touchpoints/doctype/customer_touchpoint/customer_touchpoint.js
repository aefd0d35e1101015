// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Touchpoint", {
	onload(frm) {
		if (frm.doc.reference_name) return;
		// a touchpoint logged by hand: only the types staff log (documents record the others themselves)
		frappe
			.call({ method: "crm_plus.touchpoints.api.manual_types", type: "GET" })
			.then(({ message }) => {
				const types = message || [];
				frm.set_df_property("touchpoint_type", "options", ["", ...types]);
				if (frm.doc.touchpoint_type && !types.includes(frm.doc.touchpoint_type)) {
					frm.set_value("touchpoint_type", "");
				}
			});
	},

	refresh(frm) {
		const recorded = !!frm.doc.reference_name;
		["customer", "touchpoint_type", "posting_date"].forEach((f) =>
			frm.set_df_property(f, "read_only", recorded ? 1 : 0)
		);
		// amounts come from documents; a call, visit or complaint has none
		frm.toggle_display("amount_section", recorded);
		if (recorded) {
			frm.add_custom_button(__("Open {0}", [__(frm.doc.reference_doctype)]), () =>
				frappe.set_route("Form", frm.doc.reference_doctype, frm.doc.reference_name)
			);
		}
	},
});
