"""``bench serve`` for the site, started and stopped by the tests that talk to it over HTTP (the browser
tests and the integration tests of who may do what)."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import frappe

BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PLUS_SITE", "crm.test")
# screenshots and server logs, one folder per line of Frappe (.ci/run runs both, one after the other)
ARTIFACTS = Path(__file__).parent / "browser" / "artifacts" / f"frappe-{frappe.__version__.split('.')[0]}"


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def listening(port: int) -> bool:
	with socket.socket() as s:
		s.settimeout(0.5)
		return s.connect_ex(("127.0.0.1", port)) == 0


def start(cmd: list[str], log: Path, cwd: Path, **env) -> subprocess.Popen:
	return subprocess.Popen(
		cmd,
		cwd=cwd,
		env={**os.environ, **env},
		stdout=log.open("wb"),
		stderr=subprocess.STDOUT,
		start_new_session=True,  # its own process group: stopped with everything it started
	)


def stop(process: subprocess.Popen | None) -> None:
	if process is None or process.poll() is not None:
		return
	with contextlib.suppress(ProcessLookupError):
		os.killpg(process.pid, signal.SIGTERM)
	try:
		process.wait(10)
	except subprocess.TimeoutExpired:
		with contextlib.suppress(ProcessLookupError):
			os.killpg(process.pid, signal.SIGKILL)


def socketio() -> subprocess.Popen | None:
	"""Start the bench's socket.io server when none listens on its port and node is here."""
	config = json.loads((BENCH / "sites" / "common_site_config.json").read_text() or "{}")
	port = int(config.get("socketio_port") or 9000)
	script = BENCH / "apps" / "frappe" / "socketio.js"
	if listening(port) or not shutil.which("node") or not script.exists():
		return None
	process = start(["node", str(script)], ARTIFACTS / "socketio.log", BENCH)
	for _ in range(20):
		if listening(port) or process.poll() is not None:
			break
		time.sleep(0.25)
	return process if process.poll() is None else None


@contextlib.contextmanager
def serve(with_socketio: bool = False, log_name: str = "server.log"):
	"""Yield the base URL of ``bench serve`` for the site on a free port; stop it afterwards."""
	ARTIFACTS.mkdir(parents=True, exist_ok=True)
	port = free_port()
	python = str(BENCH / "env" / "bin" / "python")
	cmd = [python, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, "serve", "--port", str(port)]
	# DEV_SERVER: the desk connects to socket.io on its own port, as under `bench start`
	server = start([*cmd, "--noreload"], ARTIFACTS / log_name, BENCH / "sites", DEV_SERVER="1")
	io = socketio() if with_socketio else None
	url = f"http://127.0.0.1:{port}"
	deadline = time.monotonic() + 120  # a busy machine starts it slowly
	try:
		while True:
			try:
				with urllib.request.urlopen(f"{url}/api/method/ping", timeout=5) as response:
					if response.status == 200:
						break
			except OSError:
				pass
			if server.poll() is not None or time.monotonic() > deadline:
				raise RuntimeError(f"bench serve did not start; see {ARTIFACTS / log_name}")
			time.sleep(0.5)
		yield url
	finally:
		stop(io)
		stop(server)
