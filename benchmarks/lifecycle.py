"""Lifecycle rule benchmark on a real site: every shipped rule over 100,000 customers and 1,000,000 invoices.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/crm_plus/benchmarks/lifecycle.py --site lifecycle.test

Compares, in the same run, the engine's evaluation of every shipped rule (the set-based match with stage,
filter and cooldown restrictions) with (a) a naive per-customer loop, as a Server Script would do it,
timed on a sample of customers and extrapolated to all of them, and (b) the floor: for each rule the single
bare aggregate query over the same table. Targets (issue #4): engine <= 10 s, >= 50x faster than (a),
<= 3x of (b). The generated data is removed at the end (``--keep`` leaves it).
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime


def generate_activity(customers: int, seed: int = 11) -> dict:
	"""Spread creation dates, and write follow-ups and feedback touchpoints for the generated customers."""
	from benchmarks import datagen

	rnd = random.Random(seed)
	frappe.db.sql(
		"""update `tabCustomer` set creation = date_sub(now(), interval crc32(name) %% 900 day)
		where name like %s""",
		f"{datagen.PREFIX}%",
	)
	now = now_datetime()
	rows = []
	for i in range(customers):
		customer = f"{datagen.PREFIX}CUST-{i:06d}"
		for _ in range(rnd.randrange(0, 3)):
			rows.append(
				datagen.touchpoint_row(
					customer, "Call", "Phone", "Outbound", add_to_date(now, days=-rnd.randrange(0, 30))
				)
			)
		if rnd.random() < 0.05:
			when = add_to_date(now, hours=-rnd.randrange(1, 96))
			rows.append(datagen.touchpoint_row(customer, "Feedback", "Email", "Inbound", when))
			if rnd.random() < 0.5:
				answer = add_to_date(when, hours=rnd.randrange(1, 48))
				rows.append(datagen.touchpoint_row(customer, "Call", "Phone", "Outbound", answer))
	datagen.touchpoints(rows)
	frappe.db.commit()
	return {"touchpoints": len(rows)}


def shipped_rules():
	from crm_plus.lifecycle import examples

	return [frappe.get_doc("Lifecycle Rule", e["title"]) for e in examples.EXAMPLES]


def engine_evaluate(rules) -> dict:
	from crm_plus.lifecycle import engine

	out, total = {}, 0.0
	for rule in rules:
		start = time.perf_counter()
		rows = engine.matches(rule)
		elapsed = time.perf_counter() - start
		total += elapsed
		out[rule.condition] = {"matches": len(rows), "seconds": round(elapsed, 3)}
	return {"rules": out, "seconds": round(total, 3)}


def engine_with_alerts(rules) -> dict:
	"""Evaluate and write the alerts set-wise (actions left out: they make documents), rolled back."""
	from crm_plus.lifecycle import engine

	start = time.perf_counter()
	written = 0
	for rule in rules:
		rows = engine.matches(rule)
		engine.insert_alerts(rule, rows, "benchmark")
		written += len(rows)
	elapsed = time.perf_counter() - start
	frappe.db.rollback()
	return {"alerts": written, "seconds": round(elapsed, 3)}


FLOOR = {
	"no_purchase": """select customer from `tabSales Invoice` where docstatus = 1 and is_return = 0
		group by customer having max(posting_date) <= date_sub(curdate(), interval 60 day)""",
	"few_followups": """select c.name from `tabCustomer` c left join (select customer, count(*) as n
		from `tabCustomer Touchpoint` where direction = 'Outbound' and posting_date >= date_sub(curdate(), interval 7 day)
		group by customer) f on f.customer = c.name where coalesce(f.n, 0) < 2""",
	"unanswered_feedback": """select tp.customer from `tabCustomer Touchpoint` tp
		where tp.touchpoint_type = 'Feedback' and tp.direction = 'Inbound' and tp.creation <= now() - interval 24 hour
		and not exists (select 1 from `tabCustomer Touchpoint` a where a.customer = tp.customer
			and a.direction = 'Outbound' and a.creation > tp.creation)
		group by tp.customer""",
	"frequency_drop": """select customer from `tabSales Invoice` where docstatus = 1 and is_return = 0
		and posting_date > date_sub(curdate(), interval 180 day) group by customer
		having sum(posting_date <= date_sub(curdate(), interval 90 day)) > 0
		and sum(posting_date > date_sub(curdate(), interval 90 day))
			<= 0.5 * sum(posting_date <= date_sub(curdate(), interval 90 day))""",
	"overdue_invoice": """select customer from `tabSales Invoice` where docstatus = 1 and is_return = 0
		and outstanding_amount > 0 and due_date < date_sub(curdate(), interval 30 day) group by customer""",
}


def floor() -> dict:
	out, total = {}, 0.0
	for key, sql in FLOOR.items():
		start = time.perf_counter()
		rows = frappe.db.sql(sql)  # nosemgrep: constant benchmark SQL
		elapsed = time.perf_counter() - start
		total += elapsed
		out[key] = {"matches": len(rows), "seconds": round(elapsed, 3)}
	return {"rules": out, "seconds": round(total, 3)}


def naive_loop(rules, sample: int, total_customers: int) -> dict:
	"""Per customer and rule, the reads a Server Script would make; timed on a sample, extrapolated."""
	names = frappe.get_all("Customer", filters={"name": ("like", "BENCH-%")}, pluck="name")
	picked = random.Random(3).sample(names, min(sample, len(names)))
	today = getdate()
	now = now_datetime()
	matched = 0
	start = time.perf_counter()
	for customer in picked:
		stage = frappe.db.get_value("Customer Relationship", customer, "lifecycle_stage") or "Prospect"
		invoices = frappe.get_all(
			"Sales Invoice",
			filters={"customer": customer, "docstatus": 1, "is_return": 0},
			fields=["name", "posting_date", "due_date", "outstanding_amount"],
		)
		for rule in rules:
			stages = [s.lifecycle_stage for s in rule.stages]
			if stages and stage not in stages:
				continue
			if frappe.db.exists(
				"Lifecycle Alert",
				{
					"rule": rule.name,
					"customer": customer,
					"matched_on": (">", add_days(now, -rule.cooldown_days)),
				},
			):
				continue
			p = rule.parameter_values()
			hit = False
			if rule.condition == "no_purchase":
				last = max((i.posting_date for i in invoices), default=None)
				hit = last is not None and (today - last).days >= p["days"]
			elif rule.condition == "few_followups":
				n = frappe.db.count(
					"Customer Touchpoint",
					{
						"customer": customer,
						"direction": "Outbound",
						"posting_date": (">=", add_days(today, -p["days"])),
					},
				)
				hit = n < p["count"]
			elif rule.condition == "unanswered_feedback":
				for fb in frappe.get_all(
					"Customer Touchpoint",
					filters={"customer": customer, "touchpoint_type": "Feedback", "direction": "Inbound"},
					fields=["creation"],
				):
					if fb.creation <= add_to_date(now, hours=-p["hours"]) and not frappe.db.exists(
						"Customer Touchpoint",
						{"customer": customer, "direction": "Outbound", "creation": (">", fb.creation)},
					):
						hit = True
			elif rule.condition == "frequency_drop":
				cur = sum(1 for i in invoices if (today - i.posting_date).days < p["days"])
				prev = sum(1 for i in invoices if p["days"] <= (today - i.posting_date).days < 2 * p["days"])
				hit = prev > 0 and (prev - cur) * 100 >= p["percent"] * prev
			elif rule.condition == "overdue_invoice":
				hit = any(
					i.outstanding_amount > 0 and (today - i.due_date).days > p["days"] for i in invoices
				)
			matched += hit
	elapsed = time.perf_counter() - start
	return {
		"sample_customers": len(picked),
		"sample_seconds": round(elapsed, 3),
		"sample_matches": matched,
		"extrapolated_seconds": round(elapsed * total_customers / max(len(picked), 1), 1),
		"note": "timed on a random sample of customers and extrapolated linearly to all customers",
	}


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default="lifecycle.test")
	parser.add_argument("--customers", type=int, default=100_000)
	parser.add_argument("--invoices", type=int, default=1_000_000)
	parser.add_argument("--payments", type=int, default=0)
	parser.add_argument("--sample", type=int, default=2_000)
	parser.add_argument("--keep", action="store_true", help="keep the generated data")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	from benchmarks import datagen
	from crm_plus.lifecycle import examples
	from crm_plus.touchpoints import relationship

	examples.install()
	frappe.db.commit()
	datagen.remove()
	results = {}
	try:
		start = time.perf_counter()
		results["generated"] = datagen.generate(args.customers, args.invoices, args.payments)
		results["generated"].update(generate_activity(args.customers))
		results["generated"]["seconds"] = round(time.perf_counter() - start, 1)
		start = time.perf_counter()
		relationship.refresh(None)  # relationship figures and stages, all customers in one statement set
		frappe.db.commit()
		results["relationships_and_stages_seconds"] = round(time.perf_counter() - start, 1)
		print(json.dumps(results, indent=1), flush=True)

		rules = shipped_rules()
		engine_evaluate(rules)  # warm the buffer pool, as a daily run on a live site would find it
		results["engine"] = engine_evaluate(rules)
		results["engine_with_alerts"] = engine_with_alerts(rules)
		results["floor"] = floor()
		results["naive"] = naive_loop(rules, args.sample, args.customers)
		engine_s, floor_s = results["engine"]["seconds"], results["floor"]["seconds"]
		results["summary"] = {
			"engine_seconds": engine_s,
			"target_engine_seconds": 10,
			"speedup_vs_naive": round(results["naive"]["extrapolated_seconds"] / engine_s, 1),
			"target_speedup_vs_naive": 50,
			"ratio_to_floor": round(engine_s / floor_s, 2),
			"target_ratio_to_floor": 3,
		}
	finally:
		frappe.db.rollback()
		if not args.keep:
			frappe.db.sql(
				"delete from `tabCustomer Stage Change` where customer like %s", f"{datagen.PREFIX}%"
			)
			datagen.remove()
	print(json.dumps(results, indent=1, default=str))
	out = Path(__file__).parent / "results"
	out.mkdir(exist_ok=True)
	(out / "lifecycle.json").write_text(json.dumps(results, indent=1, default=str))
	frappe.destroy()


if __name__ == "__main__":
	main()
