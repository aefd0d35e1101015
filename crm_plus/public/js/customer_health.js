// crm_plus insights: the health score on the Customer form and why ("why is this customer at 42?")
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe.call("crm_plus.insights.api.get_health", { customer: frm.doc.name }).then(({ message: h }) => {
			if (!h) return;
			const esc = (v) => frappe.utils.escape_html(String(v == null ? "" : v));
			const color = { Healthy: "green", "Needs Attention": "orange", Unhealthy: "red" }[h.label] || "gray";
			const rows = h.components
				.map(
					(c) => `<tr>
						<td>${esc(c.label)}</td>
						<td class="text-right">${c.measured ? esc(format_number(c.score, null, 0)) : "—"}</td>
						<td class="text-right">${esc(c.weight)}</td>
						<td class="text-right"><b>${esc(c.points)}</b></td>
						<td class="text-muted small">${esc(c.note)}</td>
					</tr>`
				)
				.join("");
			const note = h.redistributed
				? `<div class="text-muted small">${esc(
						__("Components that cannot be measured have their weight shared among the others.")
				  )}</div>`
				: "";
			const html = `<div class="crm-plus-health">
				<span class="indicator-pill ${color}">${esc(__(h.label || h.segment))}</span>
				<b style="margin-left: 8px">${esc(__("Health Score"))}: ${esc(h.score)}</b>
				<span class="text-muted" style="margin-left: 8px">${esc(__("RFM Segment"))}: ${esc(__(h.segment))}
				${h.rfm ? `(R${esc(h.rfm[0])} F${esc(h.rfm[1])} M${esc(h.rfm[2])})` : ""}</span>
				<table class="table table-sm" style="margin-top: 8px"><thead><tr>
					<th>${esc(__("Component"))}</th><th class="text-right">${esc(__("Score"))}</th>
					<th class="text-right">${esc(__("Weight"))}</th><th class="text-right">${esc(__("Points"))}</th>
					<th>${esc(__("Why"))}</th></tr></thead><tbody>${rows}</tbody></table>
				${note}</div>`;
			frm.dashboard.add_section(html, __("Health"));
		});
	},
});
