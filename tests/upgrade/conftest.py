"""The upgrade tests drive benches from outside (``bench.py``): nothing here connects to a site. What they
measured (records compared, time per step) is printed at the end of the run."""

from tests.upgrade.bench import REPORT


def pytest_terminal_summary(terminalreporter):
	if REPORT:
		terminalreporter.section("crm_plus upgrade (v15 backup -> v16)")
		for line in REPORT:
			terminalreporter.write_line(line)
