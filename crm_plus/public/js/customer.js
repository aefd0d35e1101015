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

function render_relationship(frm, r) {
	const esc = (v) => frappe.utils.escape_html(String(v));
	const missing = (text) => `<span class="text-warning">${esc(text)}</span>`;
	let body;
	if (!r) {
		body = `<div class="text-muted">${esc(
			__("No relationship record yet: crm_plus makes it with the customer's first touchpoint.")
		)}</div>`;
	} else {
		const money = (v) => (v == null ? null : format_currency(v, r.currency));
		const date = (v) => (v ? frappe.datetime.str_to_user(v) : null);
		const items = [
			[__("Lifecycle Stage"), r.lifecycle_stage ? esc(__(r.lifecycle_stage)) : missing(__("Not set"))],
			[__("Account Owner"), r.account_owner ? esc(r.account_owner) : missing(__("Not set"))],
			[__("Last Purchase"), esc(date(r.last_purchase_date) || __("None"))],
			[__("Last Touchpoint"), esc(date(r.last_touchpoint_date) || __("None"))],
		];
		// money only for those allowed to read it (the server leaves it out otherwise)
		if ("lifetime_revenue" in r && r.lifetime_revenue != null) {
			items.push([__("Lifetime Revenue"), esc(money(r.lifetime_revenue))]);
			items.push([__("Overdue"), esc(money(r.overdue_amount || 0))]);
		}
		items.push([
			__("Average Days to Pay"),
			esc(r.avg_days_to_pay == null ? __("None") : format_number(r.avg_days_to_pay, null, 1)),
		]);
		body =
			`<div class="row">` +
			items
				.map(
					([label, value]) =>
						`<div class="col-sm-2 col-xs-6" style="margin-bottom: 8px"><div class="text-muted small">${esc(
							label
						)}</div><div class="crm-plus-value">${value}</div></div>`
				)
				.join("") +
			`</div>`;
	}
	const link = r
		? `<a class="small crm-plus-open-relationship" href="${frappe.utils.get_form_link(
				"Customer Relationship",
				frm.doc.name
		  )}">${esc(__("Open Relationship"))}</a>`
		: "";
	const box = $(`
		<div class="crm-plus-relationship form-section card-section" style="padding: var(--padding-md) var(--padding-lg)">
			<div class="d-flex justify-content-between" style="margin-bottom: 8px">
				<b>${esc(__("Relationship"))}</b>${link}
			</div>
			${body}
		</div>`);
	frm.layout.wrapper.find(".crm-plus-relationship").remove();
	const page = frm.layout.wrapper.find(".form-page").first();
	(page.length ? page : frm.layout.wrapper).prepend(box);
}

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
