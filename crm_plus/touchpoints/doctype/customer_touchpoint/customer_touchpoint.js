// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Customer Touchpoint", {
	refresh(frm) {
		const recorded = !!frm.doc.reference_name;
		["customer", "touchpoint_type", "posting_date"].forEach((f) =>
			frm.set_df_property(f, "read_only", recorded ? 1 : 0)
		);
		if (recorded) {
			frm.add_custom_button(__("Open {0}", [__(frm.doc.reference_doctype)]), () =>
				frappe.set_route("Form", frm.doc.reference_doctype, frm.doc.reference_name)
			);
		}
	},
});
