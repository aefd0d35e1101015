"""CRM adoption in the desk: the board on the Leaderboard page (or the report where that page is absent), and
a CRM Manager approving a reward."""

import frappe
from frappe.utils import add_days, getdate, today

from crm_plus.adoption import scores
from tests.browser.conftest import PERSONAS


def adoption_program(site_data, user: str) -> str:
	"""A monthly program for one user, committed for the web server and removed after the test."""
	return site_data.insert(
		{
			"doctype": "CRM Adoption Program",
			"title": f"_CRM Browser Adoption {frappe.generate_hash(length=8)}",
			"period": "Monthly",
			"start_date": "2026-01-01",
			"users": [{"user": user}],
			"metrics": [{"metric": "manual_touchpoints", "weight": 1, "target": 4}],
			"tiers": [{"threshold": 50, "reward": "Lunch", "energy_points": 0}],
		}
	).name


def test_leaderboard_page_shows_the_adoption_board(desk, site_data):
	program = adoption_program(site_data, desk.user)
	scores.compute(program, today())
	frappe.db.commit()
	for name in frappe.get_all("CRM Adoption Score", filters={"program": program}, pluck="name"):
		site_data.track("CRM Adoption Score", name)
	full_name = frappe.db.get_value("User", desk.user, "full_name")

	# the page redraws its frappe-charts graph on every change; one redrawn while the last still animates
	# can make frappe-charts remove a node twice (its own DOM teardown, as in test_workspace.py)
	desk.allow_errors(r"Failed to execute 'removeChild' on 'Node'")
	page = desk.open_adoption_board(program)
	if not frappe.db.exists("Page", "leaderboard"):
		# Frappe v16 without the eps app: the board is the report, the user's row in it
		page.locator(".dt-scrollable:visible .dt-cell__content", has_text=full_name).first.wait_for()
		desk.screenshot("leaderboard-adoption-report")
		return
	# the monthly period started this month: the board holds it under "This Month"
	page.locator("select:has(option[value='This Month'])").first.select_option("This Month")
	desk.idle()
	page.locator(".leaderboard-list .list-item-container", has_text=full_name).first.wait_for()
	desk.screenshot("leaderboard-adoption")


def test_crm_manager_approves_a_proposed_reward_from_its_form(desk, site_data):
	assert "CRM Manager" in PERSONAS[desk.persona]
	assert "CRM Manager" in frappe.get_roles(desk.user)
	program = adoption_program(site_data, desk.user)
	start = getdate(today()).replace(day=1)
	reward = site_data.insert(
		{
			"doctype": "CRM Adoption Reward",
			"program": program,
			"user": desk.user,
			"period_start": add_days(start, -31).replace(day=1),
			"period_end": add_days(start, -1),
			"score": 75,
			"reward": "Lunch",
			"energy_points": 0,
			"status": "Proposed",
		}
	).name

	page = desk.goto(f"crm-adoption-reward/{reward}")
	desk.form("CRM Adoption Reward")
	approve = page.locator(".page-actions button:visible", has_text=desk.__("Approve")).first
	approve.wait_for()
	desk.screenshot("adoption-reward-proposed")
	approve.click()
	desk.idle()
	page.wait_for_function("() => cur_frm.doc.status === 'Approved'")
	# the form reloads the decided reward (debounced, with Frappe's own reload on its doc_update event):
	# done when the buttons of a proposed reward are gone
	approve.wait_for(state="hidden")
	desk.idle()
	desk.screenshot("adoption-reward-approved")

	frappe.db.rollback()  # see what the web server committed
	assert frappe.db.get_value("CRM Adoption Reward", reward, ["status", "decided_by"]) == (
		"Approved",
		desk.user,
	)
