"""Driving a bench from the test process: Frappe's own commands and ``site.py``, each in its own process
with the bench's Python (the test process never connects to the throwaway sites), each step timed."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
SITE_SCRIPT = Path(__file__).resolve().with_name("site.py")
# what the producer's reuse key covers besides the versions and the day: the app and this test
KEYED = ("crm_plus", "tests/upgrade")
KEYED_SUFFIXES = (".py", ".json", ".txt", ".js", ".html", ".po", ".csv")


class BenchError(AssertionError):
	pass


class Bench:
	def __init__(self, path: str | Path):
		self.path = Path(path).expanduser()
		self.sites = self.path / "sites"
		self.python = str(self.path / "env" / "bin" / "python")
		self.timings: dict[str, float] = {}

	def config(self) -> dict:
		try:
			return json.loads((self.sites / "common_site_config.json").read_text())
		except (OSError, ValueError):
			return {}

	def db_root(self) -> tuple[str, str]:
		"""The database's root login: CRM_PLUS_DB_ROOT_USER / CRM_PLUS_DB_ROOT_PASSWORD, else the bench's
		common_site_config (``root_login`` / ``mariadb_root_username``, ``root_password``), else root / root."""
		config = self.config()
		user = (
			os.environ.get("CRM_PLUS_DB_ROOT_USER")
			or config.get("root_login")
			or config.get("mariadb_root_username")
			or "root"
		)
		password = (
			os.environ.get("CRM_PLUS_DB_ROOT_PASSWORD")
			or config.get("root_password")
			or config.get("mariadb_root_password")
			or "root"
		)
		return user, password

	def has_site(self, site: str) -> bool:
		return (self.sites / site / "site_config.json").exists()

	def run(self, args: list[str], step: str | None = None, timeout: int = 3600) -> str:
		"""Run a command in the bench's sites folder; its output, or BenchError with the output's end."""
		started = time.monotonic()
		env = {**os.environ, "PYTHONUNBUFFERED": "1"}
		proc = subprocess.run(
			args,
			cwd=self.sites,
			env=env,
			stdout=subprocess.PIPE,
			stderr=subprocess.STDOUT,
			text=True,
			timeout=timeout,
			check=False,
		)
		if step:
			self.timings[step] = round(self.timings.get(step, 0) + time.monotonic() - started, 1)
		if proc.returncode:
			tail = "\n".join(proc.stdout.strip().splitlines()[-40:])
			secret = self.db_root()[1]
			shown = " ".join("***" if arg == secret else arg for arg in args[1:])
			raise BenchError(f"{shown} failed (exit {proc.returncode}) in {self.sites}:\n{tail}")
		return proc.stdout

	def frappe(self, *args: str, step: str | None = None, timeout: int = 3600) -> str:
		"""``bench <args>`` as Frappe's own command line (what the ``bench`` tool runs)."""
		return self.run([self.python, "-m", "frappe.utils.bench_helper", "frappe", *args], step, timeout)

	def site_script(self, site: str, command: str, *args: str, step: str | None = None):
		"""``site.py``'s command on the site; its JSON result."""
		out = self.run(
			[self.python, str(SITE_SCRIPT), "--bench", str(self.path), "--site", site, command, *args], step
		)
		return json.loads(out.strip().splitlines()[-1])

	def root_args(self) -> list[str]:
		user, password = self.db_root()
		return ["--db-root-username", user, "--db-root-password", password]

	def drop_site(self, site: str, step: str | None = None) -> None:
		"""Drop the site, database and user included, and leave no archive of it behind."""
		if not (self.sites / site).exists():
			return
		user, password = self.db_root()
		archive = tempfile.mkdtemp(prefix="crm_plus-upgrade-archive-")
		try:
			self.frappe(
				"drop-site",
				site,
				"--root-login",
				user,
				"--root-password",
				password,
				"--no-backup",
				"--force",
				"--archived-sites-path",
				archive,
				step=step,
			)
		finally:
			shutil.rmtree(archive, ignore_errors=True)
		if (self.sites / site).exists():  # a site folder whose database never was: nothing else to drop
			shutil.rmtree(self.sites / site, ignore_errors=True)

	def drop_site_after(self, site: str) -> None:
		"""Drop the site at the end of a test, whatever happened; a failure to drop is reported, not raised
		over the test's own outcome (the next run drops a site left behind before it starts)."""
		try:
			self.drop_site(site, step="drop-site")
		except (BenchError, subprocess.TimeoutExpired) as e:
			report(f"!! {site} was not dropped: {e}")

	def versions(self) -> dict[str, str]:
		"""The versions of Frappe and ERPNext in this bench, read with its own Python."""
		out = self.run(
			[
				self.python,
				"-c",
				"import json; from importlib.metadata import version as v; "
				"print(json.dumps({a: v(a) for a in ('frappe', 'erpnext')}))",
			]
		)
		return json.loads(out.strip().splitlines()[-1])


def source_key(versions: dict, day: str) -> str:
	"""What a produced backup depends on: the app's and this test's files, the versions of Frappe and
	ERPNext it was made with, and the day (the demo's dates and the figures are relative to today)."""
	h = hashlib.sha256(json.dumps({"versions": versions, "day": day}, sort_keys=True).encode())
	for folder in KEYED:
		for path in sorted((CHECKOUT / folder).rglob("*")):
			if path.is_file() and path.suffix in KEYED_SUFFIXES and "__pycache__" not in path.parts:
				h.update(str(path.relative_to(CHECKOUT)).encode())
				h.update(path.read_bytes())
	return h.hexdigest()


# what the upgrade tests measured, printed at the end of the run (``conftest.py``)
REPORT: list[str] = []


def report(*lines: str) -> None:
	REPORT.extend(lines)
	print("\n".join(lines), file=sys.stderr)
