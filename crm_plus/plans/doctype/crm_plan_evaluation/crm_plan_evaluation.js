// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CRM Plan Evaluation", {
	setup() {
		// KPI names and units are stored in English: shown in the reader's language
		const fields = frappe.meta.docfield_map["CRM Plan Evaluation Goal"] || {};
		for (const name of ["kpi", "unit"]) {
			if (fields[name]) fields[name].formatter = (value) => (value ? __(value) : "");
		}
	},

	refresh(frm) {
		if (frm.doc.plan) {
			frm.add_custom_button(__("Open Plan"), () => frappe.set_route("Form", "CRM Plan", frm.doc.plan));
		}
		show_goals_behind(frm);
		show_how_achievement_was_calculated(frm);
	},
});

// Each goal's calculation in words and figures (the server writes it in the reader's language, with amounts
// only for those who may see them): which target and baseline, scaled to which days, and the formula.
function show_how_achievement_was_calculated(frm) {
	const field = frm.fields_dict.achievement_explained;
	if (!field) return;
	const explanations = frm.doc.__onload?.explanations || {};
	const esc = frappe.utils.escape_html;
	const rows = (frm.doc.goals || [])
		.filter((g) => explanations[g.name])
		.map(
			(g) => `<tr class="crm-plus-achievement" data-kpi="${esc(g.kpi)}">
				<td style="width: 25%"><b>${esc(__(g.kpi))}</b></td>
				<td>${esc(explanations[g.name])}</td>
			</tr>`
		)
		.join("");
	field.$wrapper.html(
		rows
			? `<div class="text-muted small" style="margin-bottom: 4px">${esc(__("How Achievement Was Calculated"))}</div>
				<table class="table table-bordered table-sm small">${rows}</table>`
			: ""
	);
}

// The weighted score averages the goals, so one goal far ahead can hide another far behind: name every
// goal below its target next to the score, with the period the targets are compared over.
function show_goals_behind(frm) {
	const behind = (frm.doc.goals || []).filter((g) => !g.no_data && flt(g.achievement) < 100);
	const period = __("Targets are compared with the KPIs of {0} to {1}.", [
		frappe.datetime.str_to_user(frm.doc.period_from),
		frappe.datetime.str_to_user(frm.doc.period_to),
	]);
	if (!behind.length) {
		frm.set_intro(period, "blue");
		return;
	}
	const goals = behind
		.map((g) => `${__(g.kpi)}: ${format_number(flt(g.achievement), null, 1)}%`)
		.join(", ");
	frm.set_intro(`${__("Below target: {0}.", [frappe.utils.escape_html(goals)])} ${period}`, "orange");
}
