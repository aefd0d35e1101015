"""From nothing to the demo, on a throwaway site: ``bench new-site --install-app erpnext`` (the setup wizard
not completed), ``install-app crm_plus``, ``crm-plus demo``; every capability has something to show, every
customer a contact with an e-mail address, and the demo's survey is answered from its queued e-mail over
HTTP while the e-mail stays queued (the site has no SMTP server). The site is dropped afterwards, also
when the test fails.

Opt-in (it makes a whole ERPNext site: 5 to 12 minutes): ``CRM_PLUS_FRESH_SITE=1``. The database's root
password comes from ``CRM_PLUS_DB_ROOT_PASSWORD`` or the bench's ``root_password`` setting."""

import json
import os
import shutil
import subprocess

import frappe
import pytest

from tests import server
from tests.integration import survey_mail

BENCH = server.BENCH
PYTHON = str(BENCH / "env" / "bin" / "python")
ROOT_PASSWORD = os.environ.get("CRM_PLUS_DB_ROOT_PASSWORD") or json.loads(
	(BENCH / "sites" / "common_site_config.json").read_text() or "{}"
).get("root_password")

pytestmark = [
	pytest.mark.skipif(
		not os.environ.get("CRM_PLUS_FRESH_SITE"),
		reason="opt-in: CRM_PLUS_FRESH_SITE=1 makes and drops a new ERPNext site (5 to 12 minutes)",
	),
	pytest.mark.skipif(not ROOT_PASSWORD, reason="no database root password (CRM_PLUS_DB_ROOT_PASSWORD)"),
]


def bench(*args: str, timeout: int = 1800, check: bool = True) -> str:
	"""A bench command, as ``bench`` runs it, from the bench's sites folder; its output."""
	done = subprocess.run(
		[PYTHON, "-m", "frappe.utils.bench_helper", "frappe", *args],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		timeout=timeout,
	)
	if check and done.returncode:
		raise AssertionError(
			f"bench {' '.join(args[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
		)
	return done.stdout


# what the test reads on the new site (a process of its own: this one stays connected to the test site)
FACTS = """
import json, frappe
frappe.init(site=SITE, sites_path="."); frappe.connect()
demo = frappe.get_all("Customer", filters={"name": ("like", "Demo - %")}, fields=["name", "customer_primary_contact"])
invitations = frappe.get_all(
	"Feedback Invitation", fields=["name", "customer", "email", "status", "email_queue"], order_by="customer"
)
for row in invitations:
	row["message"], row["queue_status"] = frappe.db.get_value("Email Queue", row.email_queue, ["message", "status"])
print(json.dumps({
	"setup_complete": frappe.is_setup_complete(),
	"companies": frappe.get_all("Company", pluck="name"),
	"contacts": {c.name: frappe.db.get_value("Contact", c.customer_primary_contact, "email_id") for c in demo},
	"invitations": invitations,
	"responses": frappe.get_all("Feedback Response", fields=["invitation", "customer", "nps_category", "channel"]),
	"shown": {
		doctype: frappe.db.count(doctype)
		for doctype in (
			"Customer Touchpoint", "Customer Relationship", "Lifecycle Alert", "CRM Plan Evaluation",
			"Feedback Response", "Competitor Note", "CRM Adoption Score", "Customer Segment History",
		)
	},
	"segments": frappe.db.count("Customer Relationship", {"rfm_segment": ("is", "set")}),
	"workspace": bool(frappe.db.exists("Workspace", "CRM Plus")),
	"outbox": frappe.get_all("Email Account", filters={"default_outgoing": 1}, pluck="name"),
	"suspended": frappe.db.get_default("suspend_email_queue"),
}, default=str))
"""


SETUP = """
import frappe
frappe.init(site=SITE, sites_path="."); frappe.connect()
print(int(frappe.is_setup_complete()))
"""


def facts(site: str, script: str = FACTS) -> dict:
	done = subprocess.run(
		[PYTHON, "-c", f"SITE = {site!r}\n{script}"],
		cwd=BENCH / "sites",
		capture_output=True,
		text=True,
		timeout=300,
		check=True,
	)
	return json.loads(done.stdout.strip().splitlines()[-1])


def test_from_nothing_to_the_demo_and_its_survey_answered_from_the_queued_email(monkeypatch):
	site = f"crmfresh{frappe.generate_hash(length=8).lower()}.test"
	root = ["--db-root-password", ROOT_PASSWORD]
	try:
		bench("new-site", site, *root, "--admin-password", "admin", "--install-app", "erpnext")
		assert facts(site, SETUP) == 0  # the setup wizard has not been completed
		bench("--site", site, "install-app", "crm_plus")
		said = bench("--site", site, "crm-plus", "demo")
		assert "the demo completed it with company CRM Plus Demo Ltd (CPD), country United States" in said
		assert "ERROR" not in said, said

		got = facts(site)
		assert got["setup_complete"] and got["companies"] == ["CRM Plus Demo Ltd"]
		assert got["workspace"]
		# every capability has something to show
		assert all(got["shown"].values()), got["shown"]
		assert got["segments"] == 6
		# every customer has a contact with an e-mail address
		assert len(got["contacts"]) == 6 and all(got["contacts"].values()), got["contacts"]
		# no SMTP here: the demo's outbox, sending suspended, the survey e-mails queued
		assert got["outbox"] == ["CRM Plus Demo Outbox"] and got["suspended"] == "1"
		assert len(got["invitations"]) == 2
		assert {i["queue_status"] for i in got["invitations"]} == {"Not Sent"}
		assert "Survey e-mails queued" in said and "Resume Sending" in said

		# the customer answers from the link in the queued e-mail, without an account
		invitation = got["invitations"][0]
		monkeypatch.setattr(server, "SITE", site)
		with server.serve(log_name="fresh-site-server.log") as url:
			answered = survey_mail.answer(
				url,
				survey_mail.link_in(invitation["message"]),
				lambda questions: {q: "5" if kind == "Rating" else "10" for q, kind in questions},
			)
		assert answered["reply"]["status"] == "ok"
		assert "CRM Plus Demo: How did we do?" in answered["page"]

		after = facts(site)
		(response,) = [r for r in after["responses"] if str(r["invitation"]) == str(invitation["name"])]
		assert (response["customer"], response["nps_category"], response["channel"]) == (
			invitation["customer"],
			"Promoter",
			"Email Link",
		)
		(again,) = [i for i in after["invitations"] if i["name"] == invitation["name"]]
		assert again["status"] == "Answered" and again["queue_status"] == "Not Sent"  # still queued

		# and it goes away again, the site's e-mail as it was
		bench("--site", site, "crm-plus", "demo", "--remove")
		gone = facts(site)
		assert gone["companies"] == [] and gone["outbox"] == [] and gone["suspended"] in (None, "0")
		assert not gone["contacts"] and not gone["invitations"]
	finally:
		bench("drop-site", site, *root, "--no-backup", "--force", check=False, timeout=900)
		shutil.rmtree(BENCH / "archived" / "sites" / site, ignore_errors=True)  # drop-site keeps its folder
		assert not (BENCH / "sites" / site).exists(), f"{site} was not dropped"
