// crm_plus: the relationship summary at the top of the Customer form, above every tab
frappe.ui.form.on("Customer", {
	refresh(frm) {
		frm.layout.wrapper.find(".crm-plus-relationship").remove();
		if (frm.is_new()) return;
		hide_unreadable_reports(frm);
		// the relationship and its touchpoints only for those who may read them (not a support agent)
		if (frappe.model.can_read("Customer Relationship")) {
			frappe
				.call({
					method: "crm_plus.touchpoints.api.get_relationship_summary",
					args: { customer: frm.doc.name },
					type: "GET",
				})
				.then(({ message: r }) => render_relationship(frm, r));
		}
		if (frappe.model.can_read("Customer Touchpoint")) {
			frm.add_custom_button(
				__("Touchpoints"),
				() => frappe.set_route("List", "Customer Touchpoint", { customer: frm.doc.name }),
				__("View")
			);
		}
		if (frappe.model.can_create("Customer Touchpoint")) {
			frm.add_custom_button(
				__("Log Touchpoint"),
				() => frappe.new_doc("Customer Touchpoint", { customer: frm.doc.name }),
				__("Create")
			);
		}
	},
});

// ERPNext's buttons that a reader of the customer may not use (a support agent reads customers, not their
// transactions): the ledger reports they may not open, a pricing rule they may not make, group details
// they may not write. Each could only answer "not permitted".
function hide_unreadable_reports(frm) {
	const allowed = frappe.boot.user.all_reports || {};
	for (const [label, report] of [
		["Accounts Receivable", "Accounts Receivable"],
		["Accounting Ledger", "General Ledger"],
	]) {
		if (!allowed[report]) frm.remove_custom_button(__(label), __("View"));
	}
	if (!frappe.model.can_create("Pricing Rule")) {
		frm.remove_custom_button(__("Pricing Rule"), __("Create"));
	}
	if (!frm.perm[0]?.write) {
		frm.remove_custom_button(__("Get Customer Group Details"), __("Actions"));
	}
}
