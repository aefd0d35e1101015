"""The CRM Plus workspace as each persona meets it: it opens, draws every number card and chart it shows, and
every shortcut and link on it opens for that persona, in en, zh and zh-TW (the harness fails on any refused
request, page error, "not permitted" page or crm_plus string left untranslated). Amounts only for those who
may read them: the Overdue Amount card says "—" to the others."""

import pytest

from tests.browser.conftest import PERSONAS

# what each persona's workspace shows, by the roles it holds (crm_plus/access_matrix.py): number cards and
# charts it may read; None: the workspace is not for them
CARDS = {
	"account_manager": 6,
	"sales_manager": 6,
	"accounts": 4,  # relationships and amounts; no alerts, no feedback
	"support": 1,  # NPS of the feedback it handles
	"staff": 0,  # no customer feedback to score
}
CHARTS = {"account_manager": 3, "sales_manager": 3, "accounts": 3, "support": 0, "staff": 0}
MONEY = {"sales_manager", "accounts"}

WORKSPACE = """() => frappe.call({
	method: "frappe.desk.desktop.get_desktop_page",
	args: { page: JSON.stringify({ name: "CRM Plus", title: "CRM Plus", public: 1 }) },
}).then(({ message: m }) => {
	// the desk's prefix: /app/ on v15, /desk/ on v16
	const prefix = frappe.router.make_url(["x"]).slice(0, -1);
	const route = (item) => prefix + frappe.utils.generate_route(item).replace(/^\\/?((app|desk)\\/)?/, "");
	const shortcuts = m.shortcuts.items.map((s) => ({
		label: s.label,
		route: route({
			name: s.link_to, type: s.type, is_query_report: s.is_query_report, doctype: s.ref_doctype,
			doc_view: s.doc_view, report_ref_doctype: s.report_ref_doctype,
		}),
	}));
	const links = m.cards.items.flatMap((card) => card.links.map((l) => ({
		label: l.label,
		route: route({
			name: l.link_to, type: l.link_type, is_query_report: l.is_query_report,
			report_ref_doctype: l.report_ref_doctype,
		}),
	})));
	return {
		cards: m.number_cards.items.map((c) => c.label),
		charts: m.charts.items.map((c) => c.label),
		targets: [...shortcuts, ...links],
	};
})"""


@pytest.fixture(params=list(PERSONAS))
def persona(request):
	return request.param


def test_the_workspace_and_everything_on_it_opens_for_the_persona(desk, persona):
	page = desk.goto("crm-plus")
	shown = page.evaluate(WORKSPACE)
	assert len(shown["cards"]) == CARDS[persona], shown["cards"]
	assert len(shown["charts"]) == CHARTS[persona], shown["charts"]

	# every card shown has its figure, every chart shown is drawn (or says it has no data)
	cards = page.locator(".widget.number-widget-box")
	page.wait_for_function(
		"""(n) => {
			const cards = [...document.querySelectorAll('.widget.number-widget-box')];
			return cards.length === n && cards.every((c) => c.querySelector('.number')?.innerText.trim());
		}""",
		arg=CARDS[persona],
	)
	page.wait_for_function(
		"""([n, no_data]) => {
			const shown = (e) => e && e.getClientRects().length;
			const charts = [...document.querySelectorAll('.widget.dashboard-widget-box')];
			return charts.length === n && charts.every((c) => shown(c.querySelector('svg'))
				|| [...c.querySelectorAll('.chart-loading-state')].some(
					(e) => shown(e) && e.innerText.trim() === no_data));
		}""",
		arg=[CHARTS[persona], desk.__("No Data")],
	)
	if CARDS[persona] >= 3:
		overdue = cards.filter(has_text=desk.__("Overdue Amount")).locator(".number").inner_text().strip()
		assert (overdue == "—") == (persona not in MONEY), overdue
	desk.idle()
	desk.check_language()
	desk.screenshot(f"workspace-{persona}", full_page=True)

	# every shortcut and link shown opens for the persona, as a click on it does
	seen = set()
	for target in shown["targets"]:
		if target["route"] in seen:
			continue
		seen.add(target["route"])
		page.evaluate("(route) => frappe.set_route(route)", target["route"])
		page.wait_for_function(
			"(route) => decodeURIComponent(location.pathname) === decodeURIComponent(route)",
			arg=target["route"],
		)
		page.wait_for_function(
			"""() => {
				const current = frappe.container.page;
				return current && current.getClientRects().length
					&& (current.querySelector('.page-title')?.innerText.trim()
						|| current.querySelector('.message-page'));
			}"""
		)
		desk.idle()
		if "/query-report/" in target["route"]:  # the report has run: its table, or nothing to show
			nothing = desk.__("Nothing to show")
			page.locator(f".dt-scrollable:visible, .msg-box:visible:has-text('{nothing}')").first.wait_for()
			desk.idle()
		desk.check_opened(f"{target['label']} ({target['route']})")
		desk.check_language()
	assert seen, "the workspace shows the persona nothing to open"
