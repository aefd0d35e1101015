// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Adoption Reward", {
	refresh(frm) {
		// where Energy Points are absent or off, approving gives none: the server says why (translated)
		const no_points = (frm.doc.__onload || {}).no_energy_points;
		if (no_points) frm.set_intro(no_points, "orange");
		if (frm.doc.status !== "Proposed" || !frappe.user.has_role("CRM Manager")) return;
		for (const [label, method] of [
			[__("Approve"), "approve"],
			[__("Reject"), "reject"],
		]) {
			frm.add_custom_button(label, () =>
				// the debounced reload is the one Frappe's doc_update event asks for too: one reload, not two
				// racing (a refresh while the other removed the doc from locals)
				frm
					.call({ method, doc: frm.doc, args: { note: frm.doc.note } })
					.then(() => frm.debounced_reload_doc())
			);
		}
	},
});
