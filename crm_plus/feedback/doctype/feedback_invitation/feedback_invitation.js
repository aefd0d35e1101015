// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

// An invitation not answered yet can be sent again with a new link (the old one stops working); when it
// cannot go out, the dialog says why and how to fix it, and the invitation stays as it was.
frappe.ui.form.on("Feedback Invitation", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status === "Answered" || frm.doc.used_at) return;
		if (!frappe.model.can_read("Customer")) return;
		frm.add_custom_button(__("Send Again"), () => {
			const to = frm.doc.email
				? __("to {0}", [frm.doc.email])
				: __("to the customer's contact with an e-mail address");
			frappe.confirm(
				__(
					"Send this survey again {0} with a new link? The link sent before stops working.",
					[frappe.utils.escape_html(to)]
				),
				() =>
					frappe
						.call({
							method: "crm_plus.feedback.api.resend_invitation",
							args: { invitation: frm.doc.name },
							freeze: true,
						})
						.then(({ message: r }) => {
							if (r.sent) {
								frappe.show_alert({ message: r.message, indicator: "green" });
								if (r.held) frappe.msgprint(frappe.utils.escape_html(r.held));
								frm.reload_doc();
								return;
							}
							frappe.msgprint({
								title: __("Nothing was sent."),
								indicator: "orange",
								message: crm_plus.say_why.html(r.problems),
							});
						})
			);
		});
	},
});
