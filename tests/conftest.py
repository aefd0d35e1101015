"""Test session plumbing for both suites.

- ``tests/unit`` always runs (plain pytest, no frappe).
- ``tests/integration`` runs only where a real bench site exists and frappe is importable; otherwise it
  is not collected, and the reason is printed.
- ``tests/browser`` (headless Chromium against ``bench serve``) runs where the integration tests can and
  Chromium and Playwright are present; ``CRM_PLUS_BROWSER=0`` leaves it out on purpose.
- The last line of every run says plainly how many unit, integration and browser tests ran.
"""

import importlib.util
import json
import os
import shutil
from pathlib import Path

BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PLUS_SITE", "crm.test")


def _integration_unavailable() -> str | None:
	if not (BENCH / "sites" / SITE / "site_config.json").exists():
		return f"no bench site at {BENCH}/sites/{SITE}"
	if importlib.util.find_spec("frappe") is None:
		return f"frappe is not importable by this Python; run pytest with {BENCH}/env/bin/python"
	return None


def _browser_unavailable() -> str | None:
	if INTEGRATION_SKIPPED:
		return INTEGRATION_SKIPPED
	if os.environ.get("CRM_PLUS_BROWSER", "1") == "0":
		return "CRM_PLUS_BROWSER=0"
	if not shutil.which("chromium"):
		return "no chromium on PATH (apt-get install chromium)"
	if importlib.util.find_spec("playwright") is None:
		return f"playwright is not importable ({BENCH}/env/bin/pip install playwright; no browser download)"
	return None


INTEGRATION_SKIPPED = _integration_unavailable()
BROWSER_SKIPPED = _browser_unavailable()
collect_ignore = ["integration"] if INTEGRATION_SKIPPED else []
if BROWSER_SKIPPED:
	collect_ignore.append("browser")

_counts = {"unit": {}, "integration": {}, "browser": {}, "upgrade": {}}
# why the upgrade tests were skipped (they run only where .ci/run points them at a v15 backup to make or use)
_upgrade_skips: list[str] = []


def _kind(nodeid: str) -> str | None:
	for kind in _counts:
		if f"tests/{kind}/" in nodeid or nodeid.startswith(f"{kind}/"):
			return kind
	return None


def pytest_runtest_logreport(report):
	kind = _kind(report.nodeid)
	if kind and (report.when == "call" or report.outcome != "passed"):
		_counts[kind][report.outcome] = _counts[kind].get(report.outcome, 0) + 1
		if kind == "upgrade" and report.skipped and isinstance(report.longrepr, tuple):
			_upgrade_skips.append(report.longrepr[2].removeprefix("Skipped: "))


def _fmt(kind: str) -> str:
	return ", ".join(f"{n} {k}" for k, n in sorted(_counts[kind].items())) or "0 ran"


def _line() -> str:
	"""Which line of Frappe ran the tests (``.ci/run`` runs them on each bench it finds)."""
	if INTEGRATION_SKIPPED:
		return os.environ.get("CRM_PLUS_LINE") or "no bench"
	from importlib.metadata import PackageNotFoundError, version

	def of(package: str) -> str:
		try:
			return version(package)
		except PackageNotFoundError:
			return "-"

	return f"Frappe {of('frappe')}, ERPNext {of('erpnext')}, site {SITE}"


def pytest_terminal_summary(terminalreporter):
	integration = f"skipped ({INTEGRATION_SKIPPED})" if INTEGRATION_SKIPPED else _fmt("integration")
	browser = f"skipped ({BROWSER_SKIPPED})" if BROWSER_SKIPPED else _fmt("browser")
	upgrade = _fmt("upgrade") + (f" ({'; '.join(_upgrade_skips)})" if _upgrade_skips else "")
	line = (
		f"crm_plus tests ({_line()}): unit: {_fmt('unit')}; integration: {integration}; browser: {browser}; "
		f"upgrade: {upgrade}"
	)
	terminalreporter.write_line(line)
	if os.environ.get("CRM_PLUS_SUMMARY_FILE"):  # .ci/run collects one line per line of Frappe
		with open(os.environ["CRM_PLUS_SUMMARY_FILE"], "a") as summary:
			counts = {k: sum(v.get(k, 0) for v in _counts.values()) for k in ("passed", "failed", "skipped")}
			counts["failed"] += sum(v.get("error", 0) for v in _counts.values())
			summary.write(json.dumps({"line": line, **counts}) + "\n")
