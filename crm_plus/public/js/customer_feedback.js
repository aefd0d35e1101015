// Feedback surveys from the Customer form ("Feedback > Send Survey") and, in bulk, from the Customer list.
// Before Send, the dialog says to whom each e-mail goes and who cannot get one (and why, with the fix); after
// it, what was sent and, when nothing went out, why. A send that cannot go out leaves no invitation.
window.crm_plus_feedback = window.crm_plus_feedback || {
	send_survey(customers, after) {
		const esc = frappe.utils.escape_html;
		const SHOWN = 10; // names listed per group; the rest are counted
		// a Link field calls onchange before its value is readable: ask once it has settled
		const check_soon = frappe.utils.debounce(() => check(), 300);
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
					onchange: () => check_soon(),
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
					onchange: () => check_soon(),
				},
				{ fieldname: "what", fieldtype: "HTML" },
				// what the last Send did, apart: a check that answers later must not hide it
				{ fieldname: "outcome", fieldtype: "HTML" },
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
						if (!r.sent) {
							// nothing went out (and nothing was recorded): say why, here, and keep the dialog
							dialog.fields_dict.outcome.$wrapper.html(
								`<div class="alert alert-warning crm-plus-not-sent">` +
									`<b>${esc(__("Nothing was sent."))}</b>` +
									crm_plus.say_why.html((r.problems || []).concat(r.refused || [])) +
									`</div>`
							);
							return;
						}
						dialog.hide();
						frappe.show_alert({
							message: __("Survey e-mailed to {0} of {1} customers.", [r.sent, customers.length]),
							indicator: r.refused && r.refused.length ? "orange" : "green",
						});
						if ((r.refused || []).length || r.held) {
							frappe.msgprint({
								title: __("Send Survey"),
								indicator: "orange",
								message:
									`<p>${esc(r.message)}</p>` + crm_plus.say_why.html(r.refused || []),
							});
						}
						after && after(r);
					});
			},
		});

		function show(html) {
			dialog.fields_dict.what.$wrapper.html(html);
		}

		function names(rows, render) {
			const listed = rows.slice(0, SHOWN).map(render).join("");
			const rest = rows.length > SHOWN ? `<li>${esc(__("and {0} more", [rows.length - SHOWN]))}</li>` : "";
			return `<ul style="padding-left: 1.2em">${listed}${rest}</ul>`;
		}

		let asked = 0; // only the latest check is shown (an earlier one may answer later)
		function check() {
			const mine = ++asked;
			const values = dialog.get_values(true) || {};
			frappe
				.call({
					method: "crm_plus.feedback.api.survey_recipients",
					args: { customers: customers, survey: values.survey || null, contact: values.contact || null },
					type: "GET",
				})
				.then(({ message: r }) => {
					if (mine !== asked) return;
					let html = "";
					if (r.problems.length) {
						html += `<div class="alert alert-warning crm-plus-not-sendable">${crm_plus.say_why.html(
							r.problems
						)}</div>`;
					}
					if (r.recipients.length) {
						const valid = r.valid_days
							? " " + __("Each gets a single-use link valid for {0} days.", [r.valid_days])
							: "";
						const to =
							customers.length === 1
								? __("The survey will be e-mailed to:")
								: __("The survey will be e-mailed to {0} customers:", [r.recipients.length]);
						html +=
							`<p class="crm-plus-will-send">${esc(to)}${esc(valid)}</p>` +
							names(
								r.recipients,
								(x) =>
									`<li>${esc(x.customer_name || x.customer)}: ${esc(x.contact_name || "")} &lt;${esc(
										x.email
									)}&gt;</li>`
							);
					}
					if (r.refused.length) {
						const none =
							customers.length === 1
								? __("This customer cannot get it:")
								: __("{0} customers cannot get it:", [r.refused.length]);
						html +=
							`<p class="crm-plus-will-not-send text-warning">${esc(none)}</p>` +
							crm_plus.say_why.html(r.refused.slice(0, SHOWN));
						if (r.refused.length > SHOWN) {
							html += `<p>${esc(__("and {0} more", [r.refused.length - SHOWN]))}</p>`;
						}
					}
					if (r.held) html += `<p class="text-muted">${esc(r.held)}</p>`;
					show(html);
				});
		}

		dialog.show();
		check();
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
