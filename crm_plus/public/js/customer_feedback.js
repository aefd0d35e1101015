// Feedback surveys from the Customer form ("Feedback > Send Survey") and, in bulk, from the Customer list.
window.crm_plus_feedback = window.crm_plus_feedback || {
	send_survey(customers, after) {
		const dialog = new frappe.ui.Dialog({
			title: __("Send Survey"),
			fields: [
				{
					fieldname: "survey",
					label: __("Survey"),
					fieldtype: "Link",
					options: "Feedback Survey",
					reqd: 1,
					get_query: () => ({ filters: { audience: "Customer", active: 1 } }),
				},
				{
					fieldname: "contact",
					label: __("Contact"),
					fieldtype: "Link",
					options: "Contact",
					hidden: customers.length !== 1,
					description: __("Leave empty for the customer's primary contact."),
					get_query: () => ({
						query: "frappe.contacts.doctype.contact.contact.contact_query",
						filters: { link_doctype: "Customer", link_name: customers[0] },
					}),
				},
			],
			primary_action_label: __("Send"),
			primary_action(values) {
				frappe
					.xcall("crm_plus.feedback.api.send_survey", {
						survey: values.survey,
						customers: customers,
						contact: values.contact || null,
					})
					.then((r) => {
						dialog.hide();
						frappe.show_alert({
							message: __("{0} survey(s) queued", [r.sent]),
							indicator: r.sent ? "green" : "orange",
						});
						after && after(r);
					});
			},
		});
		dialog.show();
	},
};

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new() || !frappe.model.can_read("Feedback Invitation")) return;
		frm.add_custom_button(
			__("Send Survey"),
			() => crm_plus_feedback.send_survey([frm.doc.name], () => frm.reload_doc()),
			__("Feedback")
		);
	},
});

(function () {
	const settings = (frappe.listview_settings["Customer"] = frappe.listview_settings["Customer"] || {});
	if (settings.crm_plus_feedback) return;
	settings.crm_plus_feedback = true;
	const onload = settings.onload;
	settings.onload = function (listview) {
		onload && onload.apply(this, arguments);
		if (!frappe.model.can_read("Feedback Invitation")) return;
		listview.page.add_actions_menu_item(__("Send Survey"), () => {
			const customers = listview.get_checked_items(true);
			if (!customers.length) {
				frappe.msgprint(__("Select the customers first."));
				return;
			}
			crm_plus_feedback.send_survey(customers);
		});
	};
})();
