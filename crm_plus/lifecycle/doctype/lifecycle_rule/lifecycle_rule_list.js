// The Condition column shows each condition's label, not its key.
const crm_plus_condition_labels = {};

frappe.listview_settings["Lifecycle Rule"] = {
	onload(listview) {
		frappe
			.call({ method: "crm_plus.lifecycle.api.condition_options", type: "GET" })
			.then(({ message }) => {
				(message || []).forEach((c) => (crm_plus_condition_labels[c.key] = __(c.label)));
				// rows drawn before the labels came are drawn again from the data in hand (refresh() would
				// skip: Frappe throttles a refresh whose request has not changed)
				if (listview.data && listview.data.length) listview.render_list();
			});
	},
	formatters: {
		// markup, not bare text: v16's list view reads a formatter's result with $(…)
		condition(value) {
			return `<span>${frappe.utils.escape_html(crm_plus_condition_labels[value] || value || "")}</span>`;
		},
	},
};
