// Copyright (c) 2026, crm_plus developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("Feedback Response", {
	setup() {
		// an answer's question type is stored in English: shown in the reader's language
		const answer = frappe.meta.docfield_map["Feedback Answer"] || {};
		if (answer.question_type) answer.question_type.formatter = (value) => (value ? __(value) : "");
	},

	survey(frm) {
		// one answer row per question of the chosen survey, to be answered in the grid
		if (!frm.is_new() || !frm.doc.survey) return;
		frappe.db.get_doc("Feedback Survey", frm.doc.survey).then((survey) => {
			frm.clear_table("answers");
			for (const question of survey.questions) {
				frm.add_child("answers", {
					question: question.name,
					question_text: question.question,
					question_type: question.question_type,
				});
			}
			frm.refresh_field("answers");
		});
	},
	refresh(frm) {
		// what the respondent submitted stays as submitted (the server refuses changes too): no rows added,
		// changed or uploaded once the response exists
		for (const field of ["answers", "comment", "survey", "customer", "contact", "subject"]) {
			frm.set_df_property(field, "read_only", frm.is_new() ? 0 : 1);
		}
		frm.set_df_property("answers", "cannot_add_rows", !frm.is_new());
		frm.set_df_property("answers", "cannot_delete_rows", !frm.is_new());
		if (frm.is_new()) return;
		const next = { New: "Acknowledged", Acknowledged: "Resolved" }[frm.doc.status];
		if (next && frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(next === "Acknowledged" ? __("Acknowledge") : __("Resolve"), () => {
				frm.set_value("status", next);
				frm.save();
			});
		}
	},
});
