"""Adoption score benchmark on a real site: scores for 500 users over 1,000,000 touchpoints.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites
    ../env/bin/python /path/to/crm_plus/benchmarks/adoption.py --site bench.test

Writes 500 users and 1,000,000 touchpoints spread over one quarter (hand-logged calls, visits and e-mails,
some cancelled, some recorded from documents), then times ``scores.compute`` for a quarterly program with
every registered metric, which replaces the 500 scores and their contributions each time. Target
(issue #12): <= 5 s. The generated data is removed at the end (``--keep`` leaves it).
"""

import argparse
import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import frappe

USER_PREFIX = "bench-adoption-"
# customers of their own, so this benchmark never meets (or removes) other benchmarks' BENCH- data
CUSTOMER_PREFIX = "BENCH-ADOPT-CUST-"
PROGRAM = "BENCH Adoption"
QUARTER = date(2026, 1, 1)
MANUAL = ("Call", "Visit", "Email", "Meeting")


def generate(users: int, touchpoints: int, customers: int = 5000, seed: int = 12) -> dict:
	from benchmarks import datagen
	from crm_plus.adoption import metrics

	rnd = random.Random(seed)
	now = frappe.utils.now_datetime()
	names = [f"{USER_PREFIX}{i:04d}@example.com" for i in range(users)]
	datagen.bulk(
		"User",
		[
			"name",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"email",
			"first_name",
			"enabled",
			"user_type",
		],
		(
			[n, now, now, "Administrator", "Administrator", n, f"Bench {i}", 1, "System User"]
			for i, n in enumerate(names)
		),
	)
	cust = [f"{CUSTOMER_PREFIX}{i:06d}" for i in range(customers)]
	datagen.bulk(
		"Customer",
		[
			*datagen.STD,
			"customer_name",
			"customer_type",
			"customer_group",
			"territory",
			"docstatus",
			"disabled",
		],
		(
			[
				n,
				now,
				now,
				"Administrator",
				"Administrator",
				n,
				"Company",
				"_Test Customer Group",
				"_Test Territory",
				0,
				0,
			]
			for n in cust
		),
	)
	seconds = 90 * 86400
	start = datetime.combine(QUARTER, datetime.min.time())
	# written in slices so the generator never holds a million rows
	per_slice = 100_000
	for first in range(0, touchpoints, per_slice):
		rows = []
		for _ in range(min(per_slice, touchpoints - first)):
			when = start + timedelta(seconds=rnd.randrange(seconds))
			rows.append(
				datagen.touchpoint_row(
					cust[rnd.randrange(customers)],
					MANUAL[rnd.randrange(len(MANUAL))],
					"Phone",
					"Outbound",
					when,
					owner=names[rnd.randrange(users)],
				)
			)
		datagen.touchpoints(rows)
		frappe.db.commit()
	# 5 % cancelled, 5 % recorded from documents: neither counts
	frappe.db.sql(
		"""update `tabCustomer Touchpoint` set status = 'Cancelled'
		where customer like %s and name %% 20 = 0""",
		f"{CUSTOMER_PREFIX}%",
	)
	frappe.db.sql(
		"""update `tabCustomer Touchpoint` set reference_doctype = 'Customer', reference_name = concat('R', name)
		where customer like %s and name %% 20 = 1""",
		f"{CUSTOMER_PREFIX}%",
	)
	program = frappe.get_doc(
		{
			"doctype": "CRM Adoption Program",
			"title": PROGRAM,
			"enabled": 0,  # not picked up by the site's daily job while the benchmark runs
			"period": "Quarterly",
			"start_date": QUARTER,
			"users": [{"user": n} for n in names],
			"metrics": [{"metric": key, "weight": 1, "target": 10} for key in metrics.registry()],
			"tiers": [{"threshold": 50, "reward": "Lunch", "energy_points": 5}],
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return {"users": users, "touchpoints": touchpoints, "customers": customers, "program": program.name}


def remove() -> None:
	"""Exactly what ``generate`` made: its program and scores, users, touchpoints and customers."""
	if frappe.db.exists("CRM Adoption Program", PROGRAM):
		old = frappe.get_all("CRM Adoption Score", {"program": PROGRAM}, pluck="name")
		frappe.db.delete("CRM Adoption Score Metric", {"parent": ("in", old or [""])})
		frappe.db.delete("CRM Adoption Score", {"program": PROGRAM})
		frappe.db.delete("CRM Adoption Reward", {"program": PROGRAM})
		frappe.delete_doc("CRM Adoption Program", PROGRAM, force=True, ignore_permissions=True)
	frappe.db.sql("delete from `tabCustomer Touchpoint` where customer like %s", f"{CUSTOMER_PREFIX}%")
	frappe.db.sql("delete from `tabCustomer` where name like %s", f"{CUSTOMER_PREFIX}%")
	frappe.db.sql("delete from `tabUser` where name like %s", f"{USER_PREFIX}%")
	frappe.db.commit()


def measure(rounds: int) -> dict:
	from crm_plus.adoption import scores

	samples = []
	for _ in range(rounds):
		started = time.perf_counter()
		count = scores.compute(PROGRAM, QUARTER)
		frappe.db.commit()
		samples.append(time.perf_counter() - started)
	plan = frappe.db.sql(
		"explain " + scores.metrics.registry()["manual_touchpoints"].query().replace("%(offset)s", "0"),
		{
			"users": tuple(frappe.get_all("User", {"name": ("like", f"{USER_PREFIX}%")}, pluck="name")),
			"start": QUARTER,
			"end": date(2026, 4, 1),
		},
		as_dict=True,
	)
	best = frappe.db.sql(
		"select max(score), min(score), avg(score) from `tabCRM Adoption Score` where program = %s", PROGRAM
	)[0]
	return {
		"scores_written": count,
		"seconds": [round(s, 2) for s in samples],
		"median_seconds": round(sorted(samples)[len(samples) // 2], 2),
		"index_used": [row.get("key") for row in plan],
		"score_max_min_avg": [round(float(v or 0), 1) for v in best],
	}


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default="crm.test")
	parser.add_argument("--users", type=int, default=500)
	parser.add_argument("--touchpoints", type=int, default=1_000_000)
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("--keep", action="store_true", help="keep the generated data")
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	try:
		remove()
		started = time.perf_counter()
		results = {"generated": generate(args.users, args.touchpoints)}
		results["generate_seconds"] = round(time.perf_counter() - started, 1)
		results["compute"] = measure(args.rounds)
		results["target_seconds"] = 5
		print(json.dumps(results, indent=1, default=str), flush=True)
	finally:
		if not args.keep:
			remove()
		frappe.destroy()


if __name__ == "__main__":
	main()
