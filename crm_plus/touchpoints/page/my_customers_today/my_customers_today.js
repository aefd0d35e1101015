// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

// My Customers Today: the account manager's open alerts, overdue ToDos, today's and the next follow-ups,
// with one click to log the call that answers an alert (crm_plus/touchpoints/my_day.py)

frappe.pages["my-customers-today"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("My Customers Today"),
		single_column: true,
	});
	wrapper.my_day = new crm_plus_my_day(page);
	frappe.breadcrumbs.add("CRM Plus");
};

frappe.pages["my-customers-today"].on_page_show = function (wrapper) {
	wrapper.my_day && wrapper.my_day.load();
};

class crm_plus_my_day {
	constructor(page) {
		this.page = page;
		this.body = $(`<div class="crm-plus-my-day"></div>`).appendTo(page.main);
		page.set_secondary_action(__("Refresh"), () => this.load(), "refresh");
	}

	load() {
		return frappe
			.call({ method: "crm_plus.touchpoints.my_day.get_my_day", type: "GET" })
			.then(({ message }) => this.render(message));
	}

	render(day) {
		const esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
		this.page.set_title_sub(esc(frappe.datetime.str_to_user(day.date)));
		this.body.empty();
		this.section(
			"alerts",
			__("My Open Alerts"),
			day.alerts,
			__("No open alerts: nothing a rule asks of you."),
			(alert) => this.alert_row(alert, day.can_log)
		);
		this.section("overdue", __("Overdue ToDos"), day.overdue, __("Nothing overdue."), (todo) =>
			this.todo_row(todo, day.can_log, true)
		);
		this.section("today", __("Due Today"), day.today, __("Nothing else due today."), (todo) =>
			this.todo_row(todo, day.can_log)
		);
		this.section(
			"upcoming",
			__("Next Follow-ups"),
			day.upcoming,
			__("No follow-up in the next two weeks."),
			(todo) => this.todo_row(todo, day.can_log)
		);
	}

	section(key, title, rows, empty, render_row) {
		const esc = frappe.utils.escape_html;
		const $section = $(`
			<div class="crm-plus-my-day-section frappe-card" data-section="${key}"
				style="margin-bottom: var(--margin-lg); padding: var(--padding-md) var(--padding-lg)">
				<div class="d-flex align-items-center" style="margin-bottom: var(--margin-sm)">
					<b>${esc(title)}</b>
					<span class="badge badge-pill" style="margin-left: 8px">${rows.length}</span>
				</div>
				<div class="crm-plus-my-day-rows"></div>
			</div>`).appendTo(this.body);
		const $rows = $section.find(".crm-plus-my-day-rows");
		if (!rows.length) {
			$rows.append(`<div class="text-muted small crm-plus-my-day-empty">${esc(empty)}</div>`);
			return;
		}
		rows.forEach((row) => $rows.append(render_row(row)));
	}

	customer_link(customer, name) {
		const esc = frappe.utils.escape_html;
		if (!customer) return "";
		return `<a href="${frappe.utils.get_form_link("Customer", customer)}"><b>${esc(name || customer)}</b></a>`;
	}

	alert_row(alert, can_log) {
		const esc = frappe.utils.escape_html;
		const $row = $(`
			<div class="crm-plus-my-day-row crm-plus-my-day-alert d-flex justify-content-between align-items-start"
				data-alert="${esc(alert.name)}" style="padding: 8px 0; border-top: 1px solid var(--border-color)">
				<div>
					<div>${this.customer_link(alert.customer, alert.customer_name)}
						<span class="text-muted small" style="margin-left: 8px">${esc(alert.rule)}</span></div>
					<div class="small">${esc(alert.explanation || "")}</div>
					<div class="text-muted small">${esc(frappe.datetime.comment_when(alert.matched_on))}</div>
				</div>
				<div class="text-nowrap crm-plus-my-day-actions"></div>
			</div>`);
		const $actions = $row.find(".crm-plus-my-day-actions");
		if (can_log) {
			$(`<button class="btn btn-primary btn-xs crm-plus-log-call">${esc(__("Log Call"))}</button>`)
				.on("click", () =>
					frappe.new_doc("Customer Touchpoint", {
						customer: alert.customer,
						touchpoint_type: "Call",
						channel: "Phone",
						direction: "Outbound",
						lifecycle_alert: alert.name,
						resolve_alert: 1,
					})
				)
				.appendTo($actions);
		}
		$(`<a class="btn btn-default btn-xs" style="margin-left: 4px"
			href="${frappe.utils.get_form_link("Lifecycle Alert", alert.name)}">${esc(__("Open"))}</a>`).appendTo(
			$actions
		);
		return $row;
	}

	todo_row(todo, can_log, overdue) {
		const esc = frappe.utils.escape_html;
		const when = todo.date ? frappe.datetime.str_to_user(todo.date) : "";
		const reference = todo.reference_type
			? `<a class="text-muted small" href="${frappe.utils.get_form_link(
					todo.reference_type,
					todo.reference_name
			  )}">${esc(todo.reference_label)} ${esc(
					todo.reference_name
			  )}</a>`
			: "";
		const $row = $(`
			<div class="crm-plus-my-day-row crm-plus-my-day-todo d-flex justify-content-between align-items-start"
				data-todo="${esc(todo.name)}" style="padding: 8px 0; border-top: 1px solid var(--border-color)">
				<div>
					<div><span class="${overdue ? "text-danger" : "text-muted"} small" style="margin-right: 8px">${esc(
						when
					)}</span>${this.customer_link(todo.customer, todo.customer_name)}</div>
					<div class="small">${esc(todo.description)}</div>
					<div>${reference}</div>
				</div>
				<div class="text-nowrap crm-plus-my-day-actions"></div>
			</div>`);
		const $actions = $row.find(".crm-plus-my-day-actions");
		if (can_log && todo.customer) {
			$(`<button class="btn btn-default btn-xs crm-plus-log-call">${esc(__("Log Call"))}</button>`)
				.on("click", () =>
					frappe.new_doc("Customer Touchpoint", {
						customer: todo.customer,
						touchpoint_type: "Call",
						channel: "Phone",
						direction: "Outbound",
					})
				)
				.appendTo($actions);
		}
		$(`<button class="btn btn-default btn-xs crm-plus-done" style="margin-left: 4px">${esc(
			__("Done")
		)}</button>`)
			.on("click", () =>
				frappe
					.xcall("frappe.client.set_value", {
						doctype: "ToDo",
						name: todo.name,
						fieldname: "status",
						value: "Closed",
					})
					.then(() => this.load())
			)
			.appendTo($actions);
		return $row;
	}
}
