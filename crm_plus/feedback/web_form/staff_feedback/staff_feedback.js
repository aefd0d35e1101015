frappe.ready(function () {
	// nothing to customise: the Feedback Response controller fills in the submitter and the channel
});
