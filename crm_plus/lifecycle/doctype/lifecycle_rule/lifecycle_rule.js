// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

const API = "crm_plus.lifecycle.api";

frappe.provide("crm_plus.lifecycle");

// The condition registry, loaded once per page: the Condition field's choices show the (translated) labels
// and store the keys; the keys are shown as labels wherever the field is displayed, and the parameters
// table shows each parameter's translated label.
crm_plus.lifecycle.load_conditions = function () {
	if (!crm_plus.lifecycle.conditions) {
		crm_plus.lifecycle.conditions = frappe
			.call({ method: `${API}.condition_options`, type: "GET" })
			.then((r) => {
				const conditions = r.message || [];
				const labels = Object.fromEntries(conditions.map((c) => [c.key, __(c.label)]));
				const fields = frappe.meta.docfield_map;
				if (fields["Lifecycle Rule"]?.condition) {
					fields["Lifecycle Rule"].condition.formatter = (value) => labels[value] || value;
				}
				if (fields["Lifecycle Rule Parameter"]?.label) {
					fields["Lifecycle Rule Parameter"].label.formatter = (value) => (value ? __(value) : "");
				}
				return conditions;
			});
	}
	return crm_plus.lifecycle.conditions;
};

frappe.ui.form.on("Lifecycle Rule", {
	setup(frm) {
		frm.set_query("fallback_user", () => ({ filters: { enabled: 1, user_type: "System User" } }));
		frm.set_query("responsible_user", () => ({ filters: { enabled: 1, user_type: "System User" } }));
	},

	onload(frm) {
		crm_plus.lifecycle.load_conditions().then((conditions) => {
			frm.conditions = conditions;
			const options = conditions.map((c) => ({
				label: __(c.label),
				value: c.key,
				description: __(c.description),
			}));
			frm.set_df_property("condition", "options", options);
			// the control was built before the choices arrived: hand them to it and redraw its value
			const control = frm.fields_dict.condition;
			control.set_data?.(options);
			frm.refresh_field("condition");
			frm.refresh_field("parameters");
		});
	},

	refresh(frm) {
		if (frm.is_new() && frm.crm_plus_company_checked !== frm.docname) {
			// Frappe fills a new form's Company with the user's default company, which would restrict a new
			// rule to it without a word: a rule applies to every company unless one is chosen (a copied rule,
			// which has a title, keeps its own). Once per new form, after Frappe's own defaults; an empty
			// text, not null, which the server would fill with the default company again on insert.
			frm.crm_plus_company_checked = frm.docname;
			if (!frm.doc.title && frm.doc.company) frm.set_value("company", "");
		}
		if (frm.is_new()) return;
		frm.add_custom_button(__("Preview"), () => show_preview(frm));
		if (frappe.user.has_role(["CRM Manager", "System Manager"])) {
			frm.add_custom_button(__("Run now"), () => confirm_run(frm));
		}
		if (!frm.crm_plus_run_listener) {
			// the background job's summary, sent to the user who clicked Run now
			frm.crm_plus_run_listener = true;
			frappe.realtime.on("crm_plus_lifecycle_run", (summary) => show_run(frm, summary));
		}
	},

	condition(frm) {
		const condition = (frm.conditions || []).find((c) => c.key === frm.doc.condition);
		if (!condition) return;
		frm.clear_table("parameters");
		condition.parameters.forEach((p) =>
			frm.add_child("parameters", { parameter: p.name, label: p.label, value: p.default })
		);
		frm.refresh_field("parameters");
	},
});

// Before the click: what a run would do for how many customers, or why it would do nothing
function confirm_run(frm) {
	const run = () =>
		frappe
			.call({ method: `${API}.run_now`, args: { rule: frm.doc.name }, freeze: true })
			.then((r) => show_run(frm, r.message || {}));
	frappe
		.call({ method: `${API}.before_run`, args: { rule: frm.doc.name }, type: "GET" })
		.then(({ message: plan }) => {
			const esc = frappe.utils.escape_html;
			frappe.confirm(
				`<p class="crm-plus-run-plan">${esc(plan.message)}</p>` +
					crm_plus.say_why.links(plan.problems) +
					`<p>${esc(__("Run it now?"))}</p>`,
				run
			);
		});
}

function show_run(frm, out) {
	if (out.queued) {
		frappe.show_alert({
			message: __("The rule runs in the background; its progress is shown here."),
			indicator: "blue",
		});
		return;
	}
	const message =
		`<p>${frappe.utils.escape_html(out.message || "")}</p>` + crm_plus.say_why.links(out.problems);
	const link = out.new
		? `<p><a href="${frappe.router.make_url(["lifecycle-alert"])}?rule=${encodeURIComponent(frm.doc.name)}">${__(
				"Open the alerts of this rule"
		  )}</a></p>`
		: "";
	frappe.msgprint({
		title: __("Run now"),
		message: message + link,
		indicator:
			(out.unassigned && out.unassigned.length) || (out.problems && out.problems.length)
				? "orange"
				: "green",
	});
}

function show_preview(frm) {
	frappe.call({ method: `${API}.preview`, args: { rule: frm.doc.name } }).then((r) => {
		const out = r.message || { matches: [], total: 0 };
		if (!out.total) {
			// nobody: say why (the condition, the rule's restrictions, the cooldown) and what to change
			frappe.msgprint({
				title: __("{0} customers match now", [0]),
				message:
					`<p>${frappe.utils.escape_html(__("No customer matches this rule now."))}</p>` +
					crm_plus.say_why.html(out.problems),
				indicator: "orange",
			});
			return;
		}
		const rows = out.matches
			.map(
				(m) =>
					`<tr><td>${frappe.utils.escape_html(m.customer)}</td>` +
					`<td>${frappe.utils.escape_html(__(m.lifecycle_stage || ""))}</td>` +
					`<td>${frappe.utils.escape_html(m.explanation)}</td></tr>`
			)
			.join("");
		frappe.msgprint({
			title: __("{0} customers match now", [out.total]),
			message:
				`<p>${__("Run now would alert these customers (those in cooldown are left out).")}</p>` +
				`<table class="table table-bordered"><tr><th>${__("Customer")}</th><th>${__(
					"Stage"
				)}</th><th>${__("Why")}</th></tr>${rows}</table>`,
			wide: true,
		});
	});
}
