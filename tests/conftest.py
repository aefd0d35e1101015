"""Test session plumbing for both suites.

- ``tests/unit`` always runs (plain pytest, no frappe).
- ``tests/integration`` runs only where a real bench site exists and frappe is importable; otherwise it
  is not collected, and the reason is printed.
- ``tests/browser`` (headless Chromium against ``bench serve``) runs where the integration tests can and
  Chromium and Playwright are present; ``CRM_PLUS_BROWSER=0`` leaves it out on purpose.
- The last line of every run says plainly how many unit, integration and browser tests ran.
"""

import importlib.util
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

_counts = {"unit": {}, "integration": {}, "browser": {}}


def _kind(nodeid: str) -> str | None:
	for kind in _counts:
		if f"tests/{kind}/" in nodeid or nodeid.startswith(f"{kind}/"):
			return kind
	return None


def pytest_runtest_logreport(report):
	kind = _kind(report.nodeid)
	if kind and (report.when == "call" or report.outcome != "passed"):
		_counts[kind][report.outcome] = _counts[kind].get(report.outcome, 0) + 1


def _fmt(kind: str) -> str:
	return ", ".join(f"{n} {k}" for k, n in sorted(_counts[kind].items())) or "0 ran"


def pytest_terminal_summary(terminalreporter):
	integration = f"skipped ({INTEGRATION_SKIPPED})" if INTEGRATION_SKIPPED else _fmt("integration")
	browser = f"skipped ({BROWSER_SKIPPED})" if BROWSER_SKIPPED else _fmt("browser")
	terminalreporter.write_line(
		f"crm_plus tests: unit: {_fmt('unit')}; integration: {integration}; browser: {browser}"
	)
