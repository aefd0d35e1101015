// crm_plus plans: a goal in money (unit "Amount", e.g. Revenue) keeps its values in permlevel-1 twins
// (target_amount, ...). The goal grids show them in the usual columns, and "—" to users who may not read
// amounts (Frappe leaves the twins out of the document it sends them).
(() => {
	const VALUES = ["baseline", "target", "actual", "competitor_benchmark"];

	function show_amounts(frm) {
		const grid = frm.fields_dict.goals && frm.fields_dict.goals.grid;
		if (!grid) return;
		VALUES.filter((name) => frappe.meta.has_field(grid.doctype, name)).forEach((name) => {
			grid.update_docfield_property(name, "formatter", (value, df, options, row) => {
				if (!row || row.unit !== "Amount") {
					return frappe.form.get_formatter(df.fieldtype)(value, df, options, row);
				}
				const amount = row[`${name}_amount`];
				return amount == null ? "—" : format_currency(amount);
			});
		});
	}

	for (const doctype of ["CRM Plan", "CRM Plan Evaluation"]) {
		frappe.ui.form.on(doctype, { refresh: show_amounts });
	}
})();
