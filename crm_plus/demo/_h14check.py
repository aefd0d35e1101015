import json
import os

import frappe


def run():
	app = frappe.get_app_path("crm_plus")
	modules = [m.strip() for m in open(os.path.join(app, "modules.txt")) if m.strip()]
	missing, found = [], 0
	for root, _dirs, files in os.walk(app):
		for f in files:
			if not f.endswith(".json"):
				continue
			parts = root.split(os.sep)
			if len(parts) < 2 or parts[-2] not in (
				"doctype",
				"report",
				"workspace",
				"number_card",
				"dashboard_chart",
				"web_form",
				"print_format",
				"dashboard_chart_source",
			):
				continue
			if f[:-5] != parts[-1]:
				continue
			d = json.load(open(os.path.join(root, f)))
			dt = d.get("doctype")
			if not dt or not d.get("name"):
				continue
			found += 1
			if not frappe.db.exists(dt, d["name"]):
				missing.append((dt, d["name"]))
			elif (
				dt == "DocType"
				and not d.get("issingle")
				and not d.get("is_virtual")
				and not frappe.db.table_exists(d["name"])
			):
				missing.append(("table", d["name"]))
	mods = {m: frappe.db.exists("Module Def", m) for m in modules}
	print(
		json.dumps(
			{
				"modules": mods,
				"records_checked": found,
				"missing": missing,
				"roles": [r for r in ("CRM Manager", "CRM User") if frappe.db.exists("Role", r)],
				"installed": frappe.get_installed_apps(),
			}
		)
	)


def setup():
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	setup_complete(
		{
			"currency": "EUR",
			"full_name": "Scratch Admin",
			"company_name": "Scratch Trading GmbH",
			"timezone": "Europe/Berlin",
			"company_abbr": "STG",
			"country": "Germany",
			"fy_start_date": "2026-01-01",
			"fy_end_date": "2026-12-31",
			"language": "english",
			"email": "scratch@example.com",
			"password": "admin",
			"chart_of_accounts": "Standard",
		}
	)
	frappe.db.commit()


def counts(out):
	tables = frappe.db.sql(
		"select table_name from information_schema.tables where table_schema = database() and table_type = 'BASE TABLE'",
		pluck=True,
	)
	res = {t: frappe.db.sql(f"select count(*) from `{t}`")[0][0] for t in tables}
	json.dump(res, open(out, "w"))
