// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

// outcomes of a call that did not reach the customer: such a call leaves its alert open unless ticked
const NOT_REACHED = ["No Answer", "Left Message", "Wrong Number"];

frappe.ui.form.on("Customer Touchpoint", {
	setup(frm) {
		// whom we spoke to: one of the customer's contacts
		frm.set_query("contact", () => ({
			query: "frappe.contacts.doctype.contact.contact.contact_query",
			filters: { link_doctype: "Customer", link_name: frm.doc.customer },
		}));
		frm.set_query("lifecycle_alert", () => ({
			filters: { customer: frm.doc.customer, status: "Open" },
		}));
	},

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
		if (frm.is_new() && frm.doc.customer && !frm.doc.contact) {
			// the customer's primary contact, as whom a call usually reaches
			frappe.db
				.get_value("Customer", frm.doc.customer, "customer_primary_contact")
				.then(({ message }) => {
					if (message?.customer_primary_contact && !frm.doc.contact) {
						frm.set_value("contact", message.customer_primary_contact);
					}
				});
		}
	},

	customer(frm) {
		if (frm.doc.contact) frm.set_value("contact", null);
	},

	outcome(frm) {
		if (frm.doc.lifecycle_alert && frm.is_new()) {
			frm.set_value("resolve_alert", NOT_REACHED.includes(frm.doc.outcome) ? 0 : 1);
		}
	},
});
