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
	},
});

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
