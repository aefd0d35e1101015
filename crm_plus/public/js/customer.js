// crm_plus: the relationship summary on the Customer form
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call("crm_plus.touchpoints.api.get_relationship_summary", { customer: frm.doc.name })
			.then(({ message: r }) => {
				if (!r) return;
				const money = (v) => (v == null ? null : format_currency(v, r.currency));
				const rows = [
					[__("Lifecycle Stage"), r.lifecycle_stage && __(r.lifecycle_stage)],
					[__("Account Owner"), r.account_owner],
					[__("Last Purchase"), r.last_purchase_date && frappe.datetime.str_to_user(r.last_purchase_date)],
					[__("Lifetime Revenue"), money(r.lifetime_revenue)],
					[__("Overdue"), money(r.overdue_amount)],
					[__("Average Days to Pay"), r.avg_days_to_pay == null ? null : format_number(r.avg_days_to_pay, null, 1)],
				].filter(([, v]) => v != null && v !== "");
				const html = rows
					.map(
						([label, value]) =>
							`<div class="col-sm-4" style="margin-bottom: 8px"><div class="text-muted small">${frappe.utils.escape_html(label)}</div><div>${frappe.utils.escape_html(String(value))}</div></div>`
					)
					.join("");
				frm.dashboard.add_section(`<div class="row">${html}</div>`, __("Relationship"));
			});
		frm.add_custom_button(
			__("Touchpoints"),
			() => frappe.set_route("List", "Customer Touchpoint", { customer: frm.doc.name }),
			__("View")
		);
	},
});
