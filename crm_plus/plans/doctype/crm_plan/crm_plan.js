// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Plan", {
	setup(frm) {
		// a goal's unit is stored in English (its KPI is an Autocomplete, which Frappe translates itself)
		const goal = frappe.meta.docfield_map["CRM Plan Goal"] || {};
		if (goal.unit) goal.unit.formatter = (value) => (value ? __(value) : "");
		frm.set_query("manager", () => ({ filters: { enabled: 1, user_type: "System User" } }));
		frm.set_query("user", "stage_owners", () => ({ filters: { enabled: 1 } }));
		frm.set_query("responsible_user", "components", () => ({ filters: { enabled: 1 } }));
		frm.set_query("feedback_collector", "components", () => ({ filters: { enabled: 1 } }));
		frm.set_query("department", "components", () => ({ filters: { company: frm.doc.company } }));
	},

	onload(frm) {
		frappe.call("crm_plus.plans.api.get_kpis").then(({ message }) => {
			frm.crm_plus_kpis = {};
			(message || []).forEach((k) => (frm.crm_plus_kpis[k.kpi] = k));
			frm.fields_dict.goals.grid.update_docfield_property(
				"kpi",
				"options",
				(message || []).map((k) => ({ value: k.kpi, label: k.label, description: k.formula }))
			);
		});
	},

	refresh(frm) {
		frm.page.set_indicator(
			__(frm.doc.status),
			{ Draft: "red", Active: "green", Closed: "gray" }[frm.doc.status]
		);
		if (frm.is_new()) return;
		if (frm.doc.status === "Draft" && frm.perm[0]?.write) {
			frm.add_custom_button(__("Activate"), () =>
				frm.call("activate").then(() => frm.reload_doc())
			);
		}
		if (frm.doc.status !== "Draft" && frappe.model.can_create("CRM Plan Evaluation")) {
			frm.add_custom_button(__("Evaluate Now"), () => evaluate_now(frm));
		}
		if (frm.doc.status === "Active" && frm.perm[0]?.write) {
			frm.add_custom_button(__("Close"), () =>
				frappe.confirm(__("Close this plan? It will not be evaluated any more."), () =>
					frm.call("close").then(() => frm.reload_doc())
				)
			);
		}
		frm.trigger("render_trend");
		frm.trigger("render_competitor_notes");
	},

	render_competitor_notes(frm) {
		// crm_plus competitors: the notes linked to this plan, listed in its competitor section
		const wrapper = frm.fields_dict.competitor_notes_html.$wrapper;
		wrapper.empty();
		if (frappe.model.can_create("Competitor Note")) {
			frm.add_custom_button(
				__("Competitor Note"),
				() => frappe.new_doc("Competitor Note", { crm_plan: frm.doc.name }),
				__("Create")
			);
		}
		frappe.call("crm_plus.competitors.api.get_plan_notes", { plan: frm.doc.name }).then(({ message }) => {
			const esc = frappe.utils.escape_html;
			if (!message || !message.length) {
				wrapper.html(`<p class="text-muted">${__("No competitor notes are linked to this plan.")}</p>`);
				return;
			}
			const rows = message
				.map(
					(n) => `<tr>
						<td><a href="${frappe.utils.get_form_link("Competitor Note", n.name)}">${esc(n.competitor)}</a></td>
						<td>${esc(__(n.aspect))}</td>
						<td>${esc(n.threat_level ? __(n.threat_level) : "")}</td>
						<td>${esc(frappe.datetime.str_to_user(n.observed_on))}</td>
						<td>${esc(n.customer || "")}</td>
						<td>${esc(n.observation || "")}</td>
					</tr>`
				)
				.join("");
			wrapper.html(`<table class="table table-bordered table-sm">
				<thead><tr>
					<th>${__("Competitor")}</th><th>${__("Aspect")}</th><th>${__("Threat Level")}</th>
					<th>${__("Observed On")}</th><th>${__("Customer")}</th><th>${__("Observation")}</th>
				</tr></thead><tbody>${rows}</tbody></table>`);
		});
	},

	render_trend(frm) {
		const wrapper = frm.fields_dict.trend_html.$wrapper;
		wrapper.empty();
		frappe.call("crm_plus.plans.api.get_kpi_trend", { plan: frm.doc.name }).then(({ message }) => {
			if (!message || !message.labels.length) {
				wrapper.html(
					`<p class="text-muted">${__("The trend appears after the first evaluation.")}</p>`
				);
				return;
			}
			// a line needs two points (frappe.Chart draws nothing from one and logs SVG errors): the first
			// evaluation is shown as actual-against-target bars
			if (message.labels.length === 1) {
				wrapper.html(first_evaluation_bars(message));
				return;
			}
			const type = "line";
			message.kpis.forEach((series) => {
				const title = `${__(series.kpi)} (${__(series.unit)})`;
				const box = $(`<div class="crm-plan-trend"></div>`).appendTo(wrapper);
				when_visible(box[0], () => new frappe.Chart(box[0], {
					title: title,
					type: type,
					height: 200,
					data: {
						labels: message.labels,
						datasets: [
							{ name: __("Actual"), values: series.values.map((v) => v ?? 0) },
							{
								name: __("Target"),
								// each evaluation's own target (an amount or a count scaled to its days)
								values: (series.targets || message.labels.map(() => series.target)).map((v) => v || 0),
							},
						],
					},
					colors: ["blue", "green"],
					lineOptions: { dotSize: 4 },
				}));
			});
		});
	},
});

frappe.ui.form.on("CRM Plan Goal", {
	kpi(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		const kpi = (frm.crm_plus_kpis || {})[row.kpi];
		if (kpi) {
			frappe.model.set_value(cdt, cdn, "unit", kpi.unit);
			frappe.model.set_value(cdt, cdn, "direction", kpi.direction);
		}
	},
});

// frappe.Chart measures its container: drawn while hidden (another tab, a form not yet shown) it gets a
// width of 0 and logs SVG errors, so it is drawn when the container is first visible
function when_visible(el, draw) {
	if (el.offsetWidth > 0) {
		draw();
		return;
	}
	const observer = new IntersectionObserver((entries) => {
		if (entries.some((e) => e.isIntersecting) && el.offsetWidth > 0) {
			observer.disconnect();
			draw();
		}
	});
	observer.observe(el);
}

function first_evaluation_bars(message) {
	const esc = frappe.utils.escape_html;
	const bar = (label, value, max, color) => {
		const width = max > 0 ? Math.max(0, Math.min(100, (100 * value) / max)) : 0;
		return `<div class="d-flex align-items-center" style="gap: 8px; margin: 2px 0">
			<div class="text-muted small" style="width: 80px">${esc(label)}</div>
			<div style="flex: 1; background: var(--gray-100); border-radius: 4px; height: 14px">
				<div class="crm-plan-bar" style="width: ${width}%; height: 14px; border-radius: 4px; background: var(--${color}-500)"></div>
			</div>
			<div class="small" style="width: 110px; text-align: right">${esc(format_number(value, null, 2))}</div>
		</div>`;
	};
	const rows = message.kpis.map((series) => {
		const actual = series.values[0];
		const target = flt(series.target);
		const max = Math.max(flt(actual), target);
		const value =
			actual == null
				? `<div class="text-muted small">${esc(__("No data"))}</div>`
				: bar(__("Actual"), flt(actual), max, "blue");
		return `<div class="crm-plan-trend" style="margin-bottom: 12px">
			<div class="small" style="font-weight: 600">${esc(`${__(series.kpi)} (${__(series.unit)})`)}</div>
			${value}${bar(__("Target"), target, max, "green")}
		</div>`;
	});
	return (
		`<p class="text-muted small">${esc(
			__("Evaluation of {0}; the trend line appears from the second evaluation.", [message.labels[0]])
		)}</p>` + rows.join("")
	);
}

// Before the click: the days an evaluation covers (or that one exists already); after it, what was made and
// which goals had nothing to measure
function evaluate_now(frm) {
	const esc = frappe.utils.escape_html;
	frappe
		.call({ method: "crm_plus.plans.api.before_evaluate", args: { plan: frm.doc.name }, type: "GET" })
		.then(({ message: plan }) =>
			frappe.confirm(
				`<p class="crm-plus-evaluate-plan">${esc(plan.message)}</p><p>${esc(__("Evaluate now?"))}</p>`,
				() =>
					frappe
						.call({
							method: "crm_plus.plans.api.evaluate_now",
							args: { plan: frm.doc.name },
							freeze: true,
						})
						.then(({ message: r }) =>
							frappe.set_route("Form", "CRM Plan Evaluation", r.name).then(() => {
								if (r.reused || (r.no_data || []).length) {
									frappe.msgprint({
										title: __("Evaluate Now"),
										indicator: "orange",
										message: esc(r.message),
									});
								} else {
									frappe.show_alert({ message: r.message, indicator: "green" });
								}
							})
						)
			)
		);
}
