// crm_plus: an action that did nothing (or would do nothing) says why and how to fix it. The server answers
// with problems, each {reason, fix: {label, route, values, new_contact_for}}; this renders them as a list
// whose fixes are links (a route, a new Email Account, a new Contact for a customer).
frappe.provide("crm_plus.say_why");

crm_plus.say_why.fix_link = function (fix) {
	const esc = frappe.utils.escape_html;
	if (!fix || !fix.label) return "";
	if (!fix.route && !fix.new_contact_for) return esc(fix.label);
	const data = esc(JSON.stringify(fix));
	return `<a href="#" class="crm-plus-fix" data-fix="${data}" style="text-decoration: underline">${esc(
		fix.label
	)}</a>`;
};

crm_plus.say_why.html = function (problems) {
	const esc = frappe.utils.escape_html;
	if (!problems || !problems.length) return "";
	const items = problems
		.map((p) => {
			const fix = crm_plus.say_why.fix_link(p.fix);
			return `<li class="crm-plus-problem">${esc(p.reason || "")}${fix ? ` ${fix}` : ""}</li>`;
		})
		.join("");
	return `<ul class="crm-plus-problems" style="padding-left: 1.2em; margin-bottom: 0">${items}</ul>`;
};

// only the fixes (links where they open something), for a message that says the reasons already
crm_plus.say_why.links = function (problems) {
	const links = (problems || [])
		.filter((p) => p.fix && p.fix.label)
		.map((p) => crm_plus.say_why.fix_link(p.fix));
	return links.length ? `<p class="crm-plus-fixes">${links.join(" · ")}</p>` : "";
};

crm_plus.say_why.open = function (fix) {
	// leave the dialog the link was in: the page it opens is where the fix is made
	if (window.cur_dialog && cur_dialog.display) cur_dialog.hide();
	if (fix.new_contact_for) {
		// a new Contact linked to the customer, as the Customer form's "New Contact" makes it
		frappe.dynamic_link = {
			doc: { doctype: "Customer", name: fix.new_contact_for },
			fieldname: "name",
			doctype: "Customer",
		};
		frappe.model.with_doctype("Contact", () => {
			const contact = frappe.model.get_new_doc("Contact");
			const link = frappe.model.add_child(contact, "links");
			link.link_doctype = "Customer";
			link.link_name = fix.new_contact_for;
			frappe.set_route("Form", "Contact", contact.name);
		});
		return;
	}
	const route = fix.route || [];
	if (route[0] === "Form" && route[2] === "new") {
		frappe.new_doc(route[1], fix.values || {});
		return;
	}
	frappe.set_route(...route);
};

$(document).on("click", "a.crm-plus-fix", function (event) {
	event.preventDefault();
	crm_plus.say_why.open(JSON.parse($(this).attr("data-fix")));
});
