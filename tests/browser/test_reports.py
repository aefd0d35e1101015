"""crm_plus's script reports open from the desk with their translated titles and column labels."""

from datetime import date, timedelta

import pytest

from tests.browser.test_adoption_desk import adoption_program

# each report with one of its column labels (msgid)
REPORTS = {
	"Customer Health": "Customer Name",
	"RFM Segments": "RFM Segment",
	"Churn Risk": "Customer Name",
	"Collections Follow-up": "Customer Name",
	# with responses in one period only, its chart used to log "<path> attribute d: ... undefined"
	"Feedback Summary": "Period",
	"Competitor Insights": "Competitor",
	"CRM Adoption Leaderboard": "Rank",
}
ZH = {
	"Period": "期间",
	"Customer Name": "客户名称",
	"RFM Segment": "RFM 细分",
	"Competitor": "竞争对手",
	"Rank": "排名",
}


@pytest.mark.parametrize("report", list(REPORTS))
def test_script_report_renders_its_table(desk, site_data, report):
	path = f"query-report/{report}"
	if report == "CRM Adoption Leaderboard":
		# opened with its program, as from a link: without one, Frappe throws "Filter missing" (an
		# uncaught page error) for the required filter before the report's onload can pick a program
		path += f"?program={adoption_program(site_data, desk.user)}"
	page = desk.goto(path)
	title = desk.__(report)
	page.locator(".page-title:visible", has_text=title).first.wait_for()  # v16: in the breadcrumbs
	nothing = desk.__("Nothing to show")
	page.locator(f".dt-scrollable:visible, .msg-box:visible:has-text('{nothing}')").first.wait_for()
	desk.idle()
	label = desk.__(REPORTS[report])
	if desk.lang == "zh":
		assert label == ZH[REPORTS[report]]
	if page.locator(".dt-scrollable:visible").count():
		headers = [t.strip() for t in page.locator(".dt-header .dt-cell__content").all_inner_texts()]
		assert label in headers, headers
	desk.screenshot(f"report-{report.replace(' ', '-').lower()}")


def test_rfm_segments_shows_where_customers_moved_between_two_dates(desk, site_data):
	"""With two dates the report adds, per segment, its size on both and where its customers went."""
	# customers of this test that moved: a Champion who became Lost, one who bought nothing
	site_data.segmented_customer("Lost", was="Champions", days_ago=20)
	site_data.segmented_customer("No Purchase")
	today = date.today()
	page = desk.goto(f"query-report/RFM Segments?from_date={today - timedelta(days=30)}&to_date={today}")
	page.locator(".dt-scrollable:visible").first.wait_for()
	desk.idle()
	headers = [t.strip() for t in page.locator(".dt-header .dt-cell__content").all_inner_texts()]
	for segment in ("Champions", "Lost"):
		assert desk.__("Moved to {0}").replace("{0}", desk.__(segment)) in headers, headers
	# each row's segment in the reader's language, as in the chart and the column labels
	cells = page.locator(".dt-scrollable:visible").first.inner_text()
	assert desk.__("No Purchase") in cells and (desk.lang == "en" or "No Purchase" not in cells), cells
	page.locator('.chart-container rect.bar:not([height="0"])').first.wait_for()  # a bar is drawn
	desk.screenshot("report-rfm-segments-movement")


@pytest.mark.parametrize("lang", ["en"])  # the chart is drawn the same way in every language
@pytest.mark.parametrize("report", [r for r in REPORTS if r != "CRM Adoption Leaderboard"])
def test_report_chart_survives_a_window_resized_while_it_is_drawn(desk, report):
	"""frappe-charts swaps a new chart's SVG for an animated copy for a quarter of a second, 0.7 s after
	drawing it, and redraws on every resize: a resize in that window threw "removeChild ... not a child
	of this node" in the page (the desk fixture fails the test on any page error)."""
	page = desk.goto(f"query-report/{report}")
	page.locator(".chart-container svg, .msg-box:visible").first.wait_for()
	for i in range(30):  # 1.5 s of resizing from the moment the chart is drawn
		page.set_viewport_size({"width": 1366 - 40 * (i % 2), "height": 900})
		page.wait_for_timeout(50)
	desk.idle()
	desk.screenshot(f"report-resized-{report.replace(' ', '-').lower()}")
