"""Browser tests: a person's walk through the desk, in headless Chromium, against the real site.

The session starts ``bench --site $CRM_PLUS_SITE serve`` on a free port (and the socket.io server when the
bench has none running), launches Debian's ``chromium`` through Playwright (``executable_path``; never
``playwright install``), and logs in as a System Manager / CRM Manager kept for these tests, one per language.

Fixtures for tests:

- ``desk``: a :class:`Desk`, a logged-in page in the language of the ``lang`` fixture, which is
  parametrised over ``LANGS`` (en, zh, zh-TW); a test that only makes sense in one language overrides it with
  ``@pytest.mark.parametrize("lang", ["en"])``. ``desk.goto(path)`` opens ``/app/<path>`` and waits until
  the desk is idle, ``desk.screenshot(name)`` saves ``artifacts/<name>-<lang>.png``.
- ``site_data``: creates records on the site and **commits** them (the web server is another process);
  everything made through it is deleted again at the end of the test.

Every console error, uncaught page error, failed request and HTTP error response of the site itself fails
the test (after its screenshot is saved). socket.io is the one explicit exception: its connection noise is
ignored, whether or not a socket.io server runs. A test that provokes an error on purpose says so with
``desk.allow_errors(regex)``.

``tests/conftest.py`` leaves this folder out, with the reason, when there is no bench site, no Chromium
or no Playwright.
"""

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

import frappe
import pytest

from tests import server

BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PLUS_SITE", "crm.test")
ARTIFACTS = Path(__file__).parent / "artifacts"
LANGS = ("en", "zh", "zh-TW")
PASSWORD = "Crm-Plus-Browser-1"
ROLES = ("System Manager", "CRM Manager", "Sales Manager", "Sales User", "Accounts User")
# socket.io is not the app's own: its connection errors are expected noise when no server runs
IGNORED = re.compile(r"socket\.io|websocket|Error connecting to socket", re.IGNORECASE)
TIMEOUT_MS = 30000

# connect while collecting (as tests/integration does), so helpers can make records on the site
if not getattr(frappe.local, "initialised", None):
	os.chdir(BENCH / "sites")
	frappe.init(site=SITE, sites_path=".")
	frappe.connect()


@pytest.fixture(scope="session")
def base_url():
	"""``bench serve`` for the site on a free port (and socket.io), for the whole session."""
	try:
		with server.serve(with_socketio=True) as url:
			yield url
	except RuntimeError as error:
		pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser():
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		chromium = playwright.chromium.launch(
			executable_path=shutil.which("chromium"),
			headless=True,
			args=["--no-sandbox", "--disable-dev-shm-usage"],
		)
		yield chromium
		chromium.close()


@pytest.fixture(scope="session")
def users():
	"""One desk user per language (``crm-plus-browser-<lang>@example.com``), made on first use and kept:
	sessions running at the same time share them, and Frappe throttles creating many users an hour."""
	from frappe.utils.password import update_password

	made = {}
	for lang in LANGS:
		email = f"crm-plus-browser-{lang.lower()}@example.com"  # Frappe lowercases e-mails
		roles = [role for role in ROLES if frappe.db.exists("Role", role)]
		if frappe.db.exists("User", email):
			user = frappe.get_doc("User", email)
			user.update({"enabled": 1, "language": lang, "user_type": "System User"})
			user.add_roles(*[r for r in roles if r not in {row.role for row in user.roles}])
			user.save(ignore_permissions=True)
		else:
			frappe.flags.in_import = True  # no creation throttle (other sessions make users too)
			try:
				frappe.get_doc(
					{
						"doctype": "User",
						"email": email,
						"first_name": f"Browser {lang}",
						"language": lang,
						"send_welcome_email": 0,
						"user_type": "System User",
						"roles": [{"role": role} for role in roles],
					}
				).insert(ignore_permissions=True)
			finally:
				frappe.flags.in_import = False
		# in_import skips the doctype defaults, which leaves every desk setting off (no form sidebar,
		# timeline or dashboard): set them as a user made from the desk has them, healing users made so
		from frappe.core.doctype.user.user import desk_properties

		frappe.db.set_value("User", email, {"enabled": 1, **{key: 1 for key in desk_properties}})
		update_password(email, PASSWORD)
		made[lang] = email
	frappe.db.commit()
	return made


@pytest.fixture(params=LANGS)
def lang(request):
	return request.param


class Desk:
	"""A logged-in desk page in one language, with the harness's checks."""

	def __init__(self, page, base_url: str, lang: str, user: str, name: str):
		self.page, self.base_url, self.lang, self.user, self.name = page, base_url, lang, user, name
		self.errors: list[str] = []
		self.allowed: list[re.Pattern] = []

	# -- navigation -------------------------------------------------------------------------------------
	def goto(self, path: str = ""):
		"""Open ``/app/<path>`` and wait until the desk has loaded it and no request is pending."""
		self.page.goto(f"{self.base_url}/app/{path.lstrip('/')}", wait_until="domcontentloaded")
		self.idle()
		return self.page

	def idle(self, timeout: int = TIMEOUT_MS):
		"""Wait until the desk is booted, no ajax call is pending and the page is not frozen."""
		self.page.wait_for_function(
			"""() => window.frappe && frappe.boot && frappe.request && !frappe.request.ajax_count
				&& !document.querySelector('#freeze.in')""",
			timeout=timeout,
		)
		self.page.wait_for_timeout(300)  # renders that follow the last response

	def form(self, doctype: str):
		"""Wait until the page shows a form of ``doctype`` (``cur_frm`` is it) and the desk is idle."""
		self.page.wait_for_function(
			"(doctype) => window.cur_frm && cur_frm.doctype === doctype && cur_frm.layout", arg=doctype
		)
		self.idle()
		return self.page

	def close_dialogs(self):
		"""Close every open dialog (message boxes, confirmations) and wait until none is shown."""
		# a dialog still fading in ignores hide(): try again until none is shown
		for _attempt in range(10):
			self.page.evaluate("() => { frappe.msg_dialog?.hide(); window.cur_dialog?.hide(); }")
			self.page.keyboard.press("Escape")
			try:
				self.page.wait_for_function("() => !document.querySelector('.modal.show')", timeout=1500)
				return
			except Exception:
				continue
		self.page.wait_for_function("() => !document.querySelector('.modal.show')")

	def call(self, method: str, **args):
		"""A whitelisted method called from the page, as the form would (returns ``message``)."""
		return self.page.evaluate(
			"([method, args]) => frappe.call({method, args}).then((r) => r.message)", [method, args]
		)

	def screenshot(self, name: str, full_page: bool = False) -> Path:
		path = ARTIFACTS / f"{name}-{self.lang}.png"
		self.page.screenshot(path=str(path), full_page=full_page)
		return path

	def __(self, text: str) -> str:
		"""The desk's translation of ``text`` in this page's language."""
		return self.page.evaluate("(t) => __(t)", text)

	# -- checks ------------------------------------------------------------------------------------------
	def allow_errors(self, pattern: str):
		"""Errors matching ``pattern`` are expected in this test (a validation it provokes on purpose)."""
		self.allowed.append(re.compile(pattern, re.IGNORECASE))

	def record(self, text: str):
		if IGNORED.search(text) or any(p.search(text) for p in self.allowed):
			return
		self.errors.append(text)


@pytest.fixture
def desk(request, browser, base_url, users, lang):
	user = users[lang]
	context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=lang)
	context.set_default_timeout(TIMEOUT_MS)
	response = context.request.post(
		f"{base_url}/api/method/login", form={"usr": user, "pwd": PASSWORD}, timeout=TIMEOUT_MS
	)
	assert response.ok, f"login as {user} failed: {response.status} {response.text()[:300]}"
	page = context.new_page()
	name = re.sub(r"[^\w.-]+", "_", request.node.name)
	desk = Desk(page, base_url, lang, user, name)

	def own(url: str) -> bool:
		return url.startswith(base_url)

	page.on(
		"console",
		lambda msg: msg.type == "error" and desk.record(f"console: {msg.text} ({msg.location.get('url')})"),
	)
	page.on("pageerror", lambda exc: desk.record(f"page error: {exc}\n{exc.stack or ''}"))
	page.on(
		"requestfailed",
		lambda req: own(req.url) and desk.record(f"request failed: {req.method} {req.url} {req.failure}"),
	)
	page.on(
		"response",
		lambda res: own(res.url) and res.status >= 400 and desk.record(f"HTTP {res.status}: {res.url}"),
	)
	yield desk
	failed = getattr(request.node, "rep_call", None)
	if failed is not None and failed.failed:
		with contextlib.suppress(Exception):
			desk.screenshot(f"FAILED-{name}", full_page=True)
	context.close()
	assert not desk.errors, "the page logged errors:\n" + "\n".join(desk.errors)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
	outcome = yield
	report = outcome.get_result()
	setattr(item, f"rep_{report.when}", report)


class SiteData:
	"""Records made for one browser test, committed so that the web server sees them, deleted after."""

	def __init__(self):
		self.made: list[tuple[str, str]] = []

	def insert(self, doc: dict | object, **kwargs):
		doc = frappe.get_doc(doc) if isinstance(doc, dict) else doc
		doc.insert(ignore_permissions=True, **kwargs)
		self.track(doc.doctype, doc.name)
		frappe.db.commit()
		return doc

	def track(self, doctype: str, name: str):
		"""Delete this record at the end too (one the page made, found by the test)."""
		self.made.append((doctype, name))

	def customer(self, **extra) -> str:
		group = frappe.get_all("Customer Group", filters={"is_group": 0}, pluck="name", limit=1)
		territory = frappe.get_all("Territory", filters={"is_group": 0}, pluck="name", limit=1)
		return self.insert(
			{
				"doctype": "Customer",
				"customer_name": f"_CRM Browser {frappe.generate_hash(length=8)}",
				"customer_group": group[0] if group else "All Customer Groups",
				"territory": territory[0] if territory else "All Territories",
				**extra,
			}
		).name

	def cleanup(self):
		frappe.db.rollback()
		for doctype, name in reversed(self.made):
			# other sessions write the same tables (tree updates of Customer Group): retry a deadlock
			for attempt in range(4):
				try:
					self._delete(doctype, name)
					frappe.db.commit()
					break
				except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
					frappe.db.rollback()
					if attempt == 3:
						raise
					time.sleep(1 + attempt)

	def _delete(self, doctype: str, name: str):
		# what the site made for these records: alerts, evaluations and their ToDos
		if doctype in ("Customer", "Lifecycle Rule"):
			field = "customer" if doctype == "Customer" else "rule"
			self._delete_with_todos("Lifecycle Alert", {field: name})
		if doctype == "CRM Plan":
			frappe.db.set_value("CRM Plan", name, "last_evaluation", None)
			self._delete_with_todos("CRM Plan Evaluation", {"plan": name})
		with contextlib.suppress(frappe.DoesNotExistError):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)

	@staticmethod
	def _delete_with_todos(doctype: str, filters: dict):
		names = frappe.get_all(doctype, filters=filters, pluck="name")
		if names:
			frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", names)})
			for table in frappe.get_meta(doctype).get_table_fields():
				frappe.db.delete(table.options, {"parenttype": doctype, "parent": ("in", names)})
			frappe.db.delete(doctype, {"name": ("in", names)})


@pytest.fixture
def site_data():
	data = SiteData()
	frappe.set_user("Administrator")
	yield data
	data.cleanup()


def pytest_collection_modifyitems(items):
	for item in items:
		if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
			item.add_marker(pytest.mark.browser)


def pytest_configure(config):
	config.addinivalue_line("markers", "browser: a test in headless Chromium against bench serve")
