"""ERPNext's own suites on the site with crm_plus and on a twin site without it: which tests differ?

	~/frappe-bench/env/bin/python tests/erpnext_suites/compare.py [--suite "Sales Invoice" ...] [--parallel]

Runs ``run_site.py`` for ``$CRM_PLUS_SITE`` (default crm.test: erpnext, payments, crm_plus) and then for
``$CRM_PLUS_TWIN_SITE`` (default twin.test: erpnext and payments only, ``allow_tests``), each in its own
process with the same preparation (``prepare.py``), and compares every test's outcome (pass, fail, error,
skip; ``missing`` when a site did not run it). The report lists the totals per suite on each site and only
the tests whose outcome differs. Those tests are then run once more on both sites, alone (``--no-recheck``
leaves that out): a difference that does not come back was caused by the run (a deadlock with another
session on a shared site, an order dependency), not by the app, and is marked so.

A **regression** is a test that passes on the twin and fails or errs with crm_plus, in the full run and in
the re-run. The script exits 1 when there is one, or when crm_plus's touchpoint invariants were violated
(checked on the crm_plus site after every Sales Invoice / Payment Entry submit and cancel), 2 when a site's
run broke. The report (Markdown) and the raw outcomes (JSON) are written to ``--out``.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PLUS_SITE", "crm.test")
TWIN_SITE = os.environ.get("CRM_PLUS_TWIN_SITE", "twin.test")
DEFAULT_OUT = Path(os.environ.get("TMPDIR", "/tmp")) / "crm_plus_erpnext_suites"

# kept in step with prepare.SUITES (this script runs without frappe)
SUITES = {
	"Sales Invoice": "erpnext.accounts.doctype.sales_invoice.test_sales_invoice",
	"Payment Entry": "erpnext.accounts.doctype.payment_entry.test_payment_entry",
	"Sales Order": "erpnext.selling.doctype.sales_order.test_sales_order",
}
OUTCOMES = ("pass", "fail", "error", "skip", "missing")
TWIN_COMMAND = (
	"bench new-site {twin} --db-root-username ROOT_USER --db-root-password ROOT_PASSWORD --admin-password admin "
	"--install-app erpnext --install-app payments && bench --site {twin} set-config allow_tests true"
)


class SiteRunError(RuntimeError):
	pass


def start(site: str, out: Path, suites: list[str], ids: list[str] | None = None, keywords=()):
	"""One site's run in its own process: ``(process, json path, log path)``."""
	out.mkdir(parents=True, exist_ok=True)
	tag = f"{site}.recheck" if ids else site
	result, log = out / f"{tag}.json", out / f"{tag}.log"
	result.unlink(missing_ok=True)
	command = [str(BENCH / "env" / "bin" / "python"), str(HERE / "run_site.py"), "--site", site]
	command += ["--out", str(result)]
	for doctype in suites:
		command += ["--suite", doctype]
	for keyword in keywords:
		command += ["-k", keyword]
	if ids:
		ids_file = out / f"{tag}.ids"
		ids_file.write_text("\n".join(ids) + "\n")
		command += ["--ids-file", str(ids_file)]
	with open(log, "w") as f:
		process = subprocess.Popen(command, cwd=BENCH / "sites", stdout=f, stderr=subprocess.STDOUT)
	return process, result, log


def finish(process, result: Path, log: Path) -> dict:
	if process.wait() != 0 or not result.exists():
		tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
		raise SiteRunError(f"{' '.join(process.args)} exited {process.returncode}; see {log}:\n{tail}")
	return json.loads(result.read_text())


def run_sites(
	sites: list[str], out: Path, suites: list[str], parallel: bool, ids=None, keywords=()
) -> list[dict]:
	if parallel:
		started = [start(site, out, suites, ids, keywords) for site in sites]
		return [finish(*s) for s in started]
	return [finish(*start(site, out, suites, ids, keywords)) for site in sites]


def outcome(run: dict, test_id: str) -> str:
	return run["tests"].get(test_id, {}).get("outcome", "missing")


def differences(crm: dict, twin: dict) -> list[str]:
	return sorted(t for t in set(crm["tests"]) | set(twin["tests"]) if outcome(crm, t) != outcome(twin, t))


def is_regression(crm_outcome: str, twin_outcome: str) -> bool:
	return twin_outcome == "pass" and crm_outcome in ("fail", "error", "missing")


def suite_of(test_id: str) -> str:
	return next((doctype for doctype, module in SUITES.items() if module in test_id), "?")


def totals(run: dict) -> dict[str, dict[str, int]]:
	counted = {doctype: dict.fromkeys(OUTCOMES[:-1], 0) for doctype in run["suites"]}
	for test_id, entry in run["tests"].items():
		counted.setdefault(suite_of(test_id), dict.fromkeys(OUTCOMES[:-1], 0))[entry["outcome"]] += 1
	return counted


def compare_sites(
	site: str = SITE,
	twin: str = TWIN_SITE,
	suites: list[str] | None = None,
	out: Path = DEFAULT_OUT,
	parallel: bool = False,
	recheck: bool = True,
	keywords: list[str] = (),
) -> dict:
	suites = suites or list(SUITES)
	if not (BENCH / "sites" / twin / "site_config.json").exists():
		raise SiteRunError(f"no twin site {twin}; make it with: {TWIN_COMMAND.format(twin=twin)}")
	began = time.monotonic()
	crm, twin_run = run_sites([site, twin], out, suites, parallel, keywords=keywords)
	rechecked = {}
	if recheck and (differing := differences(crm, twin_run)):
		crm_again, twin_again = run_sites([site, twin], out, suites, parallel, ids=differing)
		rechecked = {t: (outcome(crm_again, t), outcome(twin_again, t)) for t in differing}
	return report_on(crm, twin_run, rechecked, out, time.monotonic() - began)


def report_on(crm: dict, twin_run: dict, rechecked: dict, out: Path, seconds: float | None) -> dict:
	"""The report on two sites' outcomes (``run_site.py`` JSON), written to ``out``."""
	site, twin = crm["site"], twin_run["site"]
	if "crm_plus" not in crm["apps"] or "crm_plus" in twin_run["apps"]:
		raise SiteRunError(f"{site} must have crm_plus installed and {twin} must not")
	differing = differences(crm, twin_run)
	rows = []
	for test_id in differing:
		crm_outcome, twin_outcome = outcome(crm, test_id), outcome(twin_run, test_id)
		again = rechecked.get(test_id)
		reproduced = again is None or again[0] != again[1]
		rows.append(
			{
				"test": test_id,
				"suite": suite_of(test_id),
				site: crm_outcome,
				twin: twin_outcome,
				"recheck": list(again) if again else None,
				"reproduced": reproduced,
				"regression": is_regression(crm_outcome, twin_outcome)
				and (again is None or is_regression(*again)),
				"detail": {
					site: crm["tests"].get(test_id, {}).get("detail", ""),
					twin: twin_run["tests"].get(test_id, {}).get("detail", ""),
				},
			}
		)
	report = {
		"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
		"sites": {site: _summary(crm), twin: _summary(twin_run)},
		"site": site,
		"twin": twin,
		"differences": rows,
		"regressions": [r["test"] for r in rows if r["regression"]],
		"violations": crm["violations"],
		"invariants_checked": crm["invariants_checked"],
		"seconds": round(seconds, 1) if seconds is not None else None,
	}
	out.mkdir(parents=True, exist_ok=True)
	(out / "report.json").write_text(json.dumps(report, indent=1))
	(out / "report.md").write_text(format_report(report))
	return report


def _summary(run: dict) -> dict:
	return {
		"retried": len(run.get("retried", {})),
		"apps": run["apps"],
		"seconds": run["seconds"],
		"prepare_seconds": run["prepare_seconds"],
		"totals": totals(run),
	}


def format_report(report: dict) -> str:
	site, twin = report["site"], report["twin"]
	lines = [f"# ERPNext's suites with crm_plus ({site}) and without ({twin}), {report['date']}", ""]
	for name, summary in report["sites"].items():
		lines.append(
			f"- {name} ({', '.join(summary['apps'])}): {_duration(summary['seconds'])} "
			f"(preparation {_duration(summary['prepare_seconds'])}); {summary.get('retried', 0)} tests "
			"run twice after losing a deadlock or lock wait to another session"
		)
	if report["seconds"] is not None:
		lines.append(f"- whole comparison, re-run included: {_duration(report['seconds'])}")
	lines += ["", f"| Suite | {site} pass / fail / error / skip | {twin} pass / fail / error / skip |"]
	lines.append("|---|---|---|")
	suites = list(report["sites"][site]["totals"])
	for suite in suites:
		cells = [
			" / ".join(str(report["sites"][name]["totals"].get(suite, {}).get(o, 0)) for o in OUTCOMES[:-1])
			for name in (site, twin)
		]
		lines.append(f"| {suite} | {cells[0]} | {cells[1]} |")
	rows = report["differences"]
	lines += ["", f"Tests whose outcome differs: {len(rows)}; regressions: {len(report['regressions'])}."]
	if rows:
		lines += [
			"",
			f"| Test | {site} | {twin} | Re-run alone ({site} / {twin}) | Why, on {site} |",
			"|---|---|---|---|---|",
		]
		for row in rows:
			again = " / ".join(row["recheck"]) if row["recheck"] else "not re-run"
			if row["recheck"] and not row["reproduced"]:
				again += " (not reproduced)"
			name = row["test"].rsplit(".", 1)[-1]
			why = (row["detail"][site] or row["detail"][twin]).replace("|", "\\|")[:200]
			mark = " **regression**" if row["regression"] else ""
			lines.append(f"| {row['suite']}: `{name}`{mark} | {row[site]} | {row[twin]} | {again} | {why} |")
	checked = report["invariants_checked"] or {}
	lines += [
		"",
		f"Touchpoint invariants on {site}: {len(report['violations'])} tests with violations; "
		+ ", ".join(f"{n} {doctype} submits and cancels" for doctype, n in sorted(checked.items()))
		+ " checked.",
	]
	for test_id, problems in report["violations"].items():
		lines += [f"- `{test_id}`: {p}" for p in problems]
	return "\n".join(lines) + "\n"


def _duration(seconds: float) -> str:
	return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def main(argv=None) -> int:
	parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	parser.add_argument("--site", default=SITE, help="the site with crm_plus (default: %(default)s)")
	parser.add_argument("--twin", default=TWIN_SITE, help="the twin without crm_plus (default: %(default)s)")
	parser.add_argument("--suite", action="append", choices=list(SUITES), help="default: all three")
	parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: %(default)s")
	parser.add_argument("--parallel", action="store_true", help="run both sites at once")
	parser.add_argument("--no-recheck", dest="recheck", action="store_false")
	parser.add_argument("-k", action="append", default=[], help="only tests whose id contains this")
	parser.add_argument(
		"--outcomes",
		nargs=2,
		type=Path,
		metavar=("WITH_CRM_PLUS_JSON", "TWIN_JSON"),
		help="report on two earlier run_site.py results instead of running (no re-run)",
	)
	args = parser.parse_args(argv)
	try:
		if args.outcomes:
			runs = [json.loads(path.read_text()) for path in args.outcomes]
			report = report_on(*runs, {}, args.out, None)
		else:
			report = compare_sites(
				args.site, args.twin, args.suite, args.out, args.parallel, args.recheck, args.k
			)
	except SiteRunError as e:
		print(e, file=sys.stderr)
		return 2
	print(format_report(report))
	print(f"written: {args.out / 'report.md'}, {args.out / 'report.json'}")
	return 1 if report["regressions"] or report["violations"] else 0


if __name__ == "__main__":
	sys.exit(main())
