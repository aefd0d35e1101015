"""The site side of the upgrade test: run with a bench's own Python, in its own process, on one site.

    <bench>/env/bin/python tests/upgrade/site.py --bench <bench> --site <site> <command> [...]

Commands (each connects, does its work, commits what it made and prints JSON on its last line):
- ``setup``: ERPNext's setup wizard with stated defaults when the site has not been through it (the demo
  needs its basic records).
- ``extras``: after ``crm-plus demo``, the crm_plus records the demo does not make (a survey invitation,
  the survey in Chinese, adoption rewards proposed and decided, a second plan with territories and
  components, a program for roles), then every relationship refreshed, so the stored figures are today's.
- ``manifest --out FILE``: every crm_plus record, figure, dangling link, index and sequence, and the Error
  Log rows crm_plus wrote (``manifest.py``).
- ``figures --as-of DAY --out FILE``: every relationship recomputed as of that day, then its figures.
- ``patches``: crm_plus's patches this site's Patch Log says have run.
- ``forget-patches``: take crm_plus's patches out of the Patch Log, so the next migrate runs them.

Nothing here runs in the test process: a site of its own, a line of Frappe of its own.
"""

import argparse
import json
import os
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(CHECKOUT))

import frappe
from frappe.query_builder.functions import Max
from frappe.utils import getdate, nowdate

from tests.upgrade import manifest

APP = "crm_plus"
# standard columns kept with every record (``modified`` is left out: a migrate may touch it, and it says
# when, not what); child rows also keep where they belong
STANDARD = ("owner", "creation", "docstatus", "idx")
CHILD = ("parent", "parentfield", "parenttype")
# indexes Frappe itself keeps on every table's standard columns, and changes between lines (v16 indexes
# ``creation`` where v15 indexed ``modified``): not crm_plus's to keep
FRAMEWORK_INDEXES = {"modified", "creation"}
WIZARD = {
	"currency": "USD",
	"full_name": "Upgrade Check",
	"company_name": "Upgrade Check Ltd",
	"company_abbr": "UCL",
	"timezone": "America/New_York",
	"industry": "Services",
	"country": "United States",
	"language": "English",
	"company_tagline": "crm_plus upgrade check",
	"email": "upgrade-check@example.com",
	"password": "admin",
	"chart_of_accounts": "Standard",
}


def main(argv=None):
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--bench", required=True)
	parser.add_argument("--site", required=True)
	parser.add_argument("command", choices=sorted(COMMANDS))
	parser.add_argument("--out")
	parser.add_argument("--as-of")
	args = parser.parse_args(argv)
	os.chdir(Path(args.bench) / "sites")
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		result = COMMANDS[args.command](args)
		frappe.db.commit()
	finally:
		frappe.destroy()
	print(json.dumps(result, default=str))


# ---- making the data ----------------------------------------------------------------------------------


def setup(args) -> dict:
	if frappe.is_setup_complete():
		return {"setup_wizard": "already complete"}
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	year = getdate(nowdate()).year
	result = setup_complete({**WIZARD, "fy_start_date": f"{year}-01-01", "fy_end_date": f"{year}-12-31"})
	if not frappe.is_setup_complete():
		raise SystemExit(f"the setup wizard did not complete: {result}")
	return {"setup_wizard": "completed", "company": WIZARD["company_name"]}


def extras(args) -> dict:
	"""Records of every crm_plus doctype the demo leaves empty, made through crm_plus's own code."""
	from crm_plus.demo import build
	from crm_plus.demo.registry import COMPANY, CUSTOMER_GROUP, PREFIX
	from crm_plus.touchpoints import relationship

	made = {}
	customers = frappe.get_all("Customer", filters={"customer_name": ("like", PREFIX + "%")}, pluck="name")
	if not customers:
		raise SystemExit("no demo customers: run `bench --site SITE crm-plus demo` first")
	made["Feedback Invitation"] = _invitation(customers[0])
	made["Feedback Survey Language"] = _survey_in_chinese()
	made["CRM Plan"] = _plan(COMPANY, CUSTOMER_GROUP, build.ANNA, build.BEN)
	made["CRM Adoption Reward"] = _rewards(customers[0], build.ANNA, build.BEN)
	frappe.db.commit()
	relationship.refresh_all()  # every customer, as of today: the stored figures are a refresh's
	return made


def _invitation(customer: str) -> list:
	"""A survey invitation to a contact of a demo customer (the e-mail only queued: nothing sends here)."""
	from crm_plus.feedback import invitations
	from crm_plus.testing import make_outgoing_email_account

	survey = frappe.get_all("Feedback Survey", filters={"audience": "Customer"}, pluck="name", limit=1)
	if not survey:
		return []
	contact = frappe.db.get_value("Customer", customer, "customer_primary_contact")
	if not contact:
		doc = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Upgrade",
				"last_name": "Check",
				"email_ids": [{"email_id": "upgrade.check@crm-plus-demo.example", "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Customer", customer, "customer_primary_contact", doc.name)
	# an outgoing account that only queues (as on a site with SMTP set up; nothing sends here)
	make_outgoing_email_account()
	return invitations.send(survey[0], invitations.recipients_for_customers([customer]))


def _survey_in_chinese() -> str | None:
	"""The demo's survey in Simplified Chinese too (its title, introduction and questions), where surveys
	can be written per language and the demo has not done it."""
	name = frappe.db.get_value("Feedback Survey", {"audience": "Customer"}, "name")
	survey = frappe.get_doc("Feedback Survey", name) if name else None
	if not survey or not survey.meta.has_field("languages") or survey.get("languages"):
		return None
	survey.append("languages", {"language": "zh", "title": "我们做得怎么样", "introduction": "两个小问题。"})
	for number, _question in enumerate(survey.questions, 1):
		survey.append("translations", {"language": "zh", "question_no": number, "question": f"问题 {number}"})
	survey.save(ignore_permissions=True)
	return survey.name


def _plan(company: str, customer_group: str, manager: str, user: str) -> str:
	"""A draft plan with the child tables the demo's plan leaves empty (territories, components)."""
	year = getdate(nowdate()).year
	doc = frappe.get_doc(
		{
			"doctype": "CRM Plan",
			"title": f"Upgrade Check Plan {year + 1}",
			"company": company,
			"manager": manager,
			"period_from": f"{year + 1}-01-01",
			"period_to": f"{year + 1}-12-31",
			"evaluation_frequency": "Monthly",
			"customer_groups": [{"customer_group": customer_group}],
			"territories": [{"territory": "All Territories"}],
			"goals": [
				{"kpi": "Revenue", "target": 45000, "weight": 60, "direction": "Raise"},
				{"kpi": "Churn Rate", "target": 8, "weight": 40, "direction": "Lower"},
			],
			"components": [
				{
					"component": _first_option("CRM Plan Component", "component"),
					"responsible_user": user,
					"channels": "Phone, e-mail",
					"max_customer_wait_hours": 24,
					"complaint_handling_hours": 48,
				}
			],
			"budget_amount": 5000,
		}
	).insert(ignore_permissions=True)
	return doc.name


def _rewards(customer: str, *users: str) -> list:
	"""A program for roles and users: each user logged a call last month, so each reaches its tier, the
	past period's rewards are proposed, one approved (no energy points: the tier gives none), one rejected."""
	from frappe.utils import add_days, add_months, get_datetime, get_first_day

	from crm_plus.adoption import periods, rewards, scores

	today = getdate(nowdate())
	start, _end = periods.previous_period(today, "Monthly")
	for user in users:
		doc = frappe.get_doc(
			{
				"doctype": "Customer Touchpoint",
				"customer": customer,
				"touchpoint_type": "Call",
				"direction": "Outbound",
				"posting_date": add_days(start, 1),
			}
		).insert(ignore_permissions=True)
		when = get_datetime(f"{add_days(start, 1)} 10:00:00")
		frappe.db.set_value(
			"Customer Touchpoint", doc.name, {"owner": user, "creation": when}, update_modified=False
		)
	program = frappe.get_doc(
		{
			"doctype": "CRM Adoption Program",
			"title": "Upgrade Check Adoption",
			"period": "Monthly",
			"start_date": get_first_day(add_months(today, -3)),
			"roles": [{"role": "CRM User"}],
			"users": [{"user": user} for user in users],
			"metrics": [{"metric": "manual_touchpoints", "weight": 1, "target": 1}],
			"tiers": [{"threshold": 1, "reward": "A thank-you note", "energy_points": 0}],
		}
	).insert(ignore_permissions=True)
	made = rewards.close_period(program.name, today)
	scores.compute(program.name, today)
	for name, status in zip(made, (rewards.APPROVED, rewards.REJECTED), strict=False):
		doc = frappe.get_doc(rewards.REWARD, name)
		doc.status = status
		doc.save(ignore_permissions=True)
	return made


def _first_option(doctype: str, fieldname: str) -> str:
	options = frappe.get_meta(doctype).get_field(fieldname).options or ""
	return next(option for option in options.split("\n") if option.strip())


# ---- reading it ---------------------------------------------------------------------------------------


def crm_plus_doctypes() -> list:
	return frappe.get_all(
		"DocType",
		filters={"module": ("in", frappe.get_module_list(APP))},
		fields=["name", "istable", "issingle"],
		order_by="name",
	)


def fields_of(meta) -> dict[str, str]:
	"""The doctype's own stored fields and their types."""
	from frappe.model import no_value_fields, table_fields

	fields = {
		df.fieldname: df.fieldtype
		for df in meta.fields
		if df.fieldtype not in no_value_fields
		and df.fieldtype not in table_fields
		and not df.get("is_virtual")
	}
	for name in STANDARD + (CHILD if meta.istable else ()):
		fields.setdefault(
			name, "Datetime" if name == "creation" else ("Int" if name in ("docstatus", "idx") else "Data")
		)
	return fields


def records_of(row) -> dict:
	meta = frappe.get_meta(row.name)
	fields = fields_of(meta)
	if row.issingle:
		values = frappe.db.get_singles_dict(row.name)
		fields = {k: v for k, v in fields.items() if k not in STANDARD}
		record = {field: manifest.normal(values.get(field), fieldtype) for field, fieldtype in fields.items()}
		return manifest.doctype_entry(list(fields), {row.name: record} if any(values.values()) else {})
	table = frappe.qb.DocType(row.name)
	rows = frappe.qb.from_(table).select(table.name, *(table[f] for f in fields)).run(as_dict=True)
	records = {
		str(r.name): {field: manifest.normal(r.get(field), fieldtype) for field, fieldtype in fields.items()}
		for r in rows
	}
	return manifest.doctype_entry(list(fields), records)


def figures() -> dict:
	from crm_plus.touchpoints.relationship import FIGURES

	fields = fields_of(frappe.get_meta("Customer Relationship"))
	wanted = [f for f in FIGURES if f not in manifest.VOLATILE["Customer Relationship"]]
	table = frappe.qb.DocType("Customer Relationship")
	rows = frappe.qb.from_(table).select(table.name, *(table[f] for f in wanted)).run(as_dict=True)
	return {r.name: {f: manifest.normal(r.get(f), fields.get(f)) for f in wanted} for r in rows}


def dangling_links(doctypes) -> list:
	"""[doctype, record, field, target doctype, value] of every link of a crm_plus record to nothing."""
	out = []
	for row in doctypes:
		if row.issingle:
			continue
		meta = frappe.get_meta(row.name)
		table = frappe.qb.DocType(row.name)
		for df in meta.fields:
			if df.fieldtype not in ("Link", "Dynamic Link") or df.get("is_virtual"):
				continue
			columns = [table.name, table[df.fieldname]]
			if df.fieldtype == "Dynamic Link":
				columns.append(table[df.options])
			rows = frappe.qb.from_(table).select(*columns).where(table[df.fieldname].isnotnull()).run()
			for r in rows:
				if not r[1]:
					continue
				target = df.options if df.fieldtype == "Link" else r[2]
				if not target or not _exists(target, r[1]):
					out.append([row.name, str(r[0]), df.fieldname, target, str(r[1])])
	return sorted(out)


def _exists(doctype: str, name: str) -> bool:
	if not frappe.db.exists("DocType", doctype):
		return False
	if frappe.get_meta(doctype).issingle:
		return True
	return bool(frappe.db.exists(doctype, name))


def indexes(doctypes) -> list:
	"""crm_plus's indexes on ERPNext's tables and on its own (unique keys included): ``Doctype.key``."""
	from crm_plus.install import ERPNEXT_INDEXES

	out = [
		f"{doctype}.{name}"
		for doctype, names in ERPNEXT_INDEXES.items()
		for name in names
		if frappe.db.has_index(f"tab{doctype}", name)
	]
	for row in doctypes:
		if row.issingle:
			continue
		keys = frappe.db.sql(f"show index from `tab{row.name}`", as_dict=True)  # nosemgrep: a doctype's table
		out += sorted({f"{row.name}.{key.Key_name}" for key in keys if key.Key_name not in FRAMEWORK_INDEXES})
	return sorted(set(out))


def sequences(doctypes) -> dict:
	"""For each autoincrement doctype: [its sequence's next value, the highest name in use]."""
	out = {}
	for row in doctypes:
		if row.issingle or row.istable or frappe.get_meta(row.name).autoname != "autoincrement":
			continue
		sequence = frappe.scrub(f"{row.name}_id_seq")
		nxt = frappe.db.sql(f"select next_not_cached_value from `{sequence}`")[0][0]  # nosemgrep
		table = frappe.qb.DocType(row.name)
		highest = frappe.qb.from_(table).select(Max(table.name)).run()[0][0]
		out[row.name] = [nxt, highest]
	return out


def crm_plus_errors() -> list:
	"""[name, title] of every Error Log row whose traceback passes through crm_plus."""
	rows = frappe.get_all(
		"Error Log", filters={"error": ("like", "%crm_plus%")}, fields=["name", "method"], order_by="creation"
	)
	return [[str(row.name), row.method] for row in rows]


def roles_entry() -> dict:
	"""Which users hold crm_plus's roles (the roles are crm_plus's, the assignments the site's data; the
	roles of crm_plus's reports and pages come from its code, which migrate syncs)."""
	from crm_plus.install import ROLES

	table = frappe.qb.DocType("Has Role")
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table.parent, table.parenttype, table.role)
		.where(table.role.isin(ROLES))
		.where(table.parenttype == "User")
		.run(as_dict=True)
	)
	return manifest.doctype_entry(
		["parent", "parenttype", "role"],
		{r.name: {"parent": r.parent, "parenttype": r.parenttype, "role": r.role} for r in rows},
	)


def write_manifest(args) -> dict:
	from importlib.metadata import version

	doctypes = crm_plus_doctypes()
	data = {
		"format": manifest.FORMAT,
		"site": frappe.local.site,
		"date": str(getdate(nowdate())),
		"versions": {app: version(app) for app in ("frappe", "erpnext")},
		"python": sys.version.split()[0],
		"doctypes": {row.name: records_of(row) for row in doctypes},
		"figures": figures(),
		"dangling_links": dangling_links(doctypes),
		"indexes": indexes(doctypes),
		"sequences": sequences(doctypes),
		"patches": list_patches(args),
		"errors": crm_plus_errors(),
	}
	data["doctypes"]["Has Role (users with crm_plus roles)"] = roles_entry()
	Path(args.out).write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
	return {"summary": manifest.summary(data), "out": args.out}


def write_figures(args) -> dict:
	from crm_plus.touchpoints import relationship

	relationship.refresh_all(as_of=getdate(args.as_of))
	frappe.db.commit()
	data = figures()
	Path(args.out).write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
	return {"customers": len(data), "out": args.out}


# ---- patches ------------------------------------------------------------------------------------------


def app_patches() -> list[str]:
	from frappe.modules.patch_handler import get_patches_from_app

	return [p for p in get_patches_from_app(APP) if p]


def list_patches(args) -> list[str]:
	logged = set(frappe.get_all("Patch Log", filters={"patch": ("in", app_patches())}, pluck="patch"))
	return [p for p in app_patches() if p in logged]


def forget_patches(args) -> list[str]:
	"""The site then stands for one whose crm_plus predates every patch: the next migrate runs them all."""
	patches = app_patches()
	frappe.db.delete("Patch Log", {"patch": ("in", patches)})
	return patches


COMMANDS = {
	"setup": setup,
	"extras": extras,
	"manifest": write_manifest,
	"figures": write_figures,
	"patches": list_patches,
	"forget-patches": forget_patches,
}


if __name__ == "__main__":
	main()
