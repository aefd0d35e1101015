"""The CRM Plus workspace opens and leads to crm_plus's lists (its content is another issue's)."""


def test_workspace_opens_with_links_to_the_crm_plus_lists(desk):
	page = desk.goto("crm-plus")
	label = desk.__("Customer Relationship")
	if desk.lang == "zh":
		assert label == "客户关系"
	page.get_by_text(label, exact=True).first.wait_for()
	desk.screenshot("workspace")
	page.get_by_text(label, exact=True).first.click()
	page.wait_for_url("**/app/customer-relationship**")
	desk.idle()
	assert page.locator(".page-title").first.inner_text().strip()
