"""The CRM Plus workspace opens with its number cards and charts, and leads to crm_plus's lists."""


def test_workspace_opens_with_links_to_the_crm_plus_lists(desk, site_data):
	# this week's touchpoint chart has a bar to draw, whatever else the site holds
	import frappe

	site_data.insert(
		{
			"doctype": "Customer Touchpoint",
			"customer": site_data.customer(),
			"touchpoint_type": "Call",
			"direction": "Outbound",
			"posting_date": frappe.utils.nowdate(),
		}
	)
	# and the segment and stage charts a customer in a segment (its relationship has a stage)
	site_data.segmented_customer("Champions")
	# the charts are drawn without frappe-charts' entry animation (their custom options): a redraw while one
	# was animating threw "Failed to execute 'removeChild' on 'Node'" (zh-TW most often); any error fails
	page = desk.goto("crm-plus")
	label = desk.__("Customer Relationship")
	if desk.lang == "zh":
		assert label == "客户关系"
	page.get_by_text(label, exact=True).first.wait_for()
	# Frappe finds a block's card or chart by the workspace row's (translated) label: all six cards and
	# three charts are drawn, each card with a figure
	cards = page.locator(".widget.number-widget-box")
	cards.nth(5).wait_for()
	assert cards.count() == 6
	assert page.locator(".widget.dashboard-widget-box").count() == 3
	card = desk.__("Open Lifecycle Alerts")
	if desk.lang == "zh":
		assert card == "未解决的生命周期预警"
	page.get_by_text(card, exact=True).first.wait_for()
	page.locator(".widget.number-widget-box .number").nth(5).wait_for()
	# every chart draws its figures: bars of some height (touchpoints stacked by type, segment sizes) or
	# the slices of the stage donut; the demo and the tests' customers give each of them data
	page.wait_for_function(
		"""() => {
			const charts = [...document.querySelectorAll('.widget.dashboard-widget-box')];
			const drawn = (c) =>
				[...c.querySelectorAll('svg rect.bar')].some((r) => parseFloat(r.getAttribute('height')) > 0)
				|| c.querySelectorAll('svg .donut-slices path, svg .pie-slices path').length > 0;
			return charts.length === 3 && charts.every(drawn);
		}""",
		timeout=30000,
	)
	desk.idle()
	desk.screenshot("workspace", full_page=True)
	page.get_by_text(label, exact=True).first.click()
	desk.wait_for_route("customer-relationship")
	desk.idle()
	assert page.locator(".page-title").first.inner_text().strip()
