// crm_plus: competitor notes from an Opportunity or Quotation marked Lost
["Opportunity", "Quotation"].forEach((doctype) => {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			if (frm.is_new() || frm.doc.status !== "Lost") return;
			if (!frappe.model.can_create("Competitor Note")) return;
			const has_competitors = (frm.doc.competitors || []).some((row) => row.competitor);
			const has_reasons = (frm.doc.lost_reasons || []).length || frm.doc.order_lost_reason;
			if (!has_competitors && !has_reasons) return;
			frm.add_custom_button(__("Competitor Notes"), () => crm_plus_make_competitor_notes(frm));
		},
	});
});

function crm_plus_make_competitor_notes(frm) {
	frappe
		.call({
			method: "crm_plus.competitors.api.make_notes_from_lost_deal",
			type: "POST",
			args: { doctype: frm.doc.doctype, name: frm.doc.name },
			freeze: true,
		})
		.then(({ message: r }) => {
			if (!r) return;
			if (!r.notes.length) {
				// lost reasons but no competitor named: a prefilled note to complete by hand
				frappe.new_doc("Competitor Note", r.prefill);
				return;
			}
			if (r.created.length) {
				frappe.show_alert({
					message: __("Competitor notes created: {0}", [r.created.length]),
					indicator: "green",
				});
			}
			if (r.notes.length === 1) {
				frappe.set_route("Form", "Competitor Note", r.notes[0]);
			} else {
				frappe.set_route("List", "Competitor Note", {
					[frm.doc.doctype === "Opportunity" ? "opportunity" : "quotation"]: frm.doc.name,
				});
			}
		});
}
