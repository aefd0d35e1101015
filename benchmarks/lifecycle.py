"""Lifecycle rule benchmark on a real site: every shipped rule over 100,000 customers and 1,000,000 invoices.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/crm_plus/benchmarks/lifecycle.py --site lifecycle.test

Compares, in the same run, the engine's evaluation of every shipped rule (``engine.matches``: the
set-based match with the values that explain it, stage, filter and cooldown restrictions, and the
explanations) with (a) a naive per-customer loop, as a Server Script would do it, timed on a sample of
customers and extrapolated to all of them, and (b) the floor: for each rule the single bare aggregate that
finds the customers its condition matches (same table, predicates, parameters and index, customers only;
see ``FLOOR``). Each rule and its floor are timed alternately ``--rounds`` times and the medians are
compared, so both see the same machine load. Targets: engine <= 10 s, >= 50x faster than (a), <= 1.2x
(b). The generated data is removed at the end (``--keep`` leaves it, ``--reuse`` times it again).
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime


def generate_activity(customers: int, seed: int = 11) -> dict:
	"""Spread creation dates (last modified then too, as an existing site's customers are mostly untouched
	since), and write follow-ups and feedback touchpoints for the generated customers."""
	from benchmarks import datagen

	rnd = random.Random(seed)
	frappe.db.sql(
		"""update `tabCustomer` set creation = date_sub(now(), interval crc32(name) %% 900 day),
			modified = creation
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


def shipped_rules(company: str | None = None):
	"""The shipped rules; with ``company``, each narrowed to it (in memory), as a site's own rules for one
	company are: the conditions then aggregate that company's invoices instead of reading the
	relationship figures."""
	from crm_plus.lifecycle import examples

	rules = [frappe.get_doc("Lifecycle Rule", e["title"]) for e in examples.EXAMPLES]
	for rule in rules:
		rule.company = company or rule.company
	return rules


def engine_and_floor(rules, rounds: int) -> tuple[dict, dict]:
	"""Each rule's engine evaluation (``engine.matches``: the set-based match with its values, stage,
	filter and cooldown restrictions, and the explanations) and its floor, timed alternately ``rounds``
	times so both see the same machine load; per rule the median (and the best) of the rounds."""
	from crm_plus.lifecycle import engine

	engine_runs, floor_runs, counts = {}, {}, {}
	params = floor_params()
	for rule in rules:
		key = rule.condition
		engine_runs[key], floor_runs[key] = [], []
		for i in range(rounds):
			pair = [
				("engine", lambda rule=rule: engine.matches(rule)),
				("floor", lambda key=key: _floor(key, params)),
			]
			for side, run in pair if i % 2 == 0 else reversed(pair):
				start = time.perf_counter()
				rows = run()
				(engine_runs if side == "engine" else floor_runs)[key].append(time.perf_counter() - start)
				counts[side, key] = len(rows)
	return _timings(engine_runs, counts, "engine"), _timings(floor_runs, counts, "floor")


def _timings(runs: dict, counts: dict, side: str) -> dict:
	rules = {
		key: {
			"matches": counts[side, key],
			"seconds": round(statistics.median(times), 3),
			"best_seconds": round(min(times), 3),
		}
		for key, times in runs.items()
	}
	return {
		"rules": rules,
		"seconds": round(sum(r["seconds"] for r in rules.values()), 3),
		"best_seconds": round(sum(r["best_seconds"] for r in rules.values()), 3),
	}


def decompose(rules, rounds: int) -> dict:
	"""Where each rule's time goes, medians of ``rounds``: its floor and the engine's statement run inside
	the database only (MariaDB's ``ANALYZE``: the statement runs with its own plan, its rows are counted and
	dropped on the server), the floor and the engine's statement with their rows read into Python, and
	``engine.matches`` (that read plus the explanations)."""
	from crm_plus.lifecycle import engine

	params = floor_params()
	out = {}
	for rule in rules:
		query, bound = engine.match_query(rule)
		prefix, body = query.split(" for\n", 1)
		floor = FLOOR[rule.condition]
		steps = {
			"floor_in_database": lambda: frappe.db.sql(f"analyze format=json {floor}", params),
			"engine_in_database": lambda: frappe.db.sql(f"{prefix} for analyze format=json {body}", bound),
			"floor_rows_read": lambda: frappe.db.sql(floor, params),
			"engine_rows_read": lambda: frappe.db.sql(query, bound, as_dict=True),
			"engine_matches": lambda: engine.matches(rule),
		}
		times = {key: [] for key in steps}
		for _i in range(rounds):
			for key, run in steps.items():
				start = time.perf_counter()
				run()
				times[key].append(time.perf_counter() - start)
		out[rule.condition] = {key: round(statistics.median(t), 3) for key, t in times.items()}
	out["total"] = {key: round(sum(r[key] for r in out.values()), 3) for key in steps}
	return out


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


# The floor: for each shipped rule, the bare aggregate that finds the customers its condition matches: the
# same table, predicates and parameters as the condition's SQL (the index it reads included), returning only
# the customer. No values to explain the match, no stage, group or cooldown restriction, no join the
# condition does not need itself: the engine does all of that on top, and the target is that all of it
# costs at most 20 % more than these statements.
FOLLOW_UP_TYPES = "'Call', 'Meeting', 'Email', 'Visit', 'Quotation'"
ANSWER_TYPES = "'Feedback', 'Call', 'Meeting', 'Email', 'Visit', 'Complaint', 'Other'"
FLOOR = {
	"few_followups": f"""select c.name from `tabCustomer` c left join (
			select tp.customer, count(*) as n from `tabCustomer Touchpoint` tp
			where tp.status = 'Active' and tp.direction = 'Outbound' and tp.touchpoint_type in ({FOLLOW_UP_TYPES})
				and tp.posting_date >= date_sub(%(today)s, interval 7 day) and tp.posting_date <= %(today)s
			group by tp.customer
		) f on f.customer = c.name
		where c.disabled = 0 and c.creation < date_sub(%(today)s, interval 7 - 1 day) and coalesce(f.n, 0) < 2""",
	"unanswered_feedback": f"""select tp.customer from `tabCustomer Touchpoint` tp
		where tp.status = 'Active' and tp.direction = 'Inbound' and tp.touchpoint_type in ('Feedback', 'Complaint')
			and tp.creation <= date_sub(%(now)s, interval 24 hour)
			and not exists (select 1 from `tabCustomer Touchpoint` ans where ans.customer = tp.customer
				and ans.status = 'Active' and ans.direction = 'Outbound' and ans.touchpoint_type in ({ANSWER_TYPES})
				and ans.creation > tp.creation)
			and not exists (select 1 from `tabFeedback Response` fr where tp.reference_doctype = 'Feedback Response'
				and fr.name = cast(tp.reference_name as unsigned) and fr.acknowledged_on is not null)
		group by tp.customer""",
	"no_purchase": """select customer from `tabSales Invoice` force index (crm_plus_customer_history)
		where docstatus = 1 and is_return = 0
		group by customer having max(posting_date) <= date_sub(%(today)s, interval 60 day)""",
	"frequency_drop": """select customer from `tabSales Invoice` where docstatus = 1 and is_return = 0
		and posting_date > date_sub(%(today)s, interval 180 day) and posting_date <= %(today)s
		group by customer
		having sum(posting_date <= date_sub(%(today)s, interval 90 day)) > 0
			and sum(posting_date > date_sub(%(today)s, interval 90 day))
				<= 0.5 * sum(posting_date <= date_sub(%(today)s, interval 90 day))""",
	"overdue_invoice": """select customer from `tabSales Invoice` where docstatus = 1 and is_return = 0
		and outstanding_amount > 0 and due_date < date_sub(%(today)s, interval 30 day) group by customer""",
}


def floor_params() -> dict:
	"""The engine's clock: ``today`` and ``now`` in the site's time zone, as the rules bind them."""
	now = now_datetime()
	return {"today": getdate(now), "now": now}


def _floor(key: str, params: dict) -> tuple:
	return frappe.db.sql(FLOOR[key], params)  # nosemgrep: constant benchmark SQL, values bound


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


def generate(args, results: dict) -> None:
	"""The billing data, activity, relationship figures and stages of the run."""
	from benchmarks import datagen
	from crm_plus.touchpoints import relationship

	start = time.perf_counter()
	results["generated"] = datagen.generate(args.customers, args.invoices, args.payments)
	results["generated"].update(generate_activity(args.customers))
	results["generated"]["seconds"] = round(time.perf_counter() - start, 1)
	start = time.perf_counter()
	relationship.refresh(None)  # relationship figures and stages, all customers in one statement set
	frappe.db.commit()
	results["relationships_and_stages_seconds"] = round(time.perf_counter() - start, 1)


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default="lifecycle.test")
	parser.add_argument("--customers", type=int, default=100_000)
	parser.add_argument("--invoices", type=int, default=1_000_000)
	parser.add_argument("--payments", type=int, default=0)
	parser.add_argument("--sample", type=int, default=2_000)
	parser.add_argument("--rounds", type=int, default=7, help="timed runs of each rule and its floor")
	parser.add_argument("--keep", action="store_true", help="keep the generated data")
	parser.add_argument(
		"--reuse", action="store_true", help="time the data a --keep run left (implies --keep)"
	)
	parser.add_argument("--skip-naive", action="store_true", help="leave out the per-customer loop")
	parser.add_argument(
		"--per-company",
		action="store_true",
		help="time the rules narrowed to the generated company (they aggregate its invoices)",
	)
	parser.add_argument(
		"--decompose", action="store_true", help="also time each rule's statement in and out of the database"
	)
	args = parser.parse_args()
	args.keep = args.keep or args.reuse

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	from benchmarks import datagen
	from crm_plus.lifecycle import examples

	examples.install()
	frappe.db.commit()
	reuse = args.reuse and frappe.db.exists("Customer", {"name": ("like", f"{datagen.PREFIX}%")})
	if not reuse:
		datagen.remove()
	results = {}
	try:
		if not reuse:
			generate(args, results)
		else:  # as the nightly job leaves them before the rules run: every relationship refreshed
			from crm_plus.touchpoints import relationship

			start = time.perf_counter()
			relationship.refresh(None)
			frappe.db.commit()
			results["relationships_and_stages_seconds"] = round(time.perf_counter() - start, 1)
		print(json.dumps(results, indent=1), flush=True)

		rules = shipped_rules(datagen.COMPANY if args.per_company else None)
		results["per_company"] = args.per_company
		engine_and_floor(rules, 1)  # warm the buffer pool, as a daily run on a live site would find it
		results["engine"], results["floor"] = engine_and_floor(rules, args.rounds)
		if args.decompose:
			results["decomposition"] = decompose(rules, args.rounds)
		results["engine_with_alerts"] = engine_with_alerts(rules)
		engine_s, floor_s = results["engine"]["seconds"], results["floor"]["seconds"]
		results["summary"] = {"engine_seconds": engine_s, "target_engine_seconds": 10}
		if not args.skip_naive:
			results["naive"] = naive_loop(rules, args.sample, args.customers)
			results["summary"]["speedup_vs_naive"] = round(
				results["naive"]["extrapolated_seconds"] / engine_s, 1
			)
			results["summary"]["target_speedup_vs_naive"] = 50
		results["summary"].update(
			{
				"ratio_to_floor": round(engine_s / floor_s, 2),
				"ratio_of_best_runs": round(
					results["engine"]["best_seconds"] / results["floor"]["best_seconds"], 2
				),
				"target_ratio_to_floor": 1.2,
				"rounds": args.rounds,
			}
		)
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
