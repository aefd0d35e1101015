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
	},
});
