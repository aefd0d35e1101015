"""Browser tests: a person's walk through the desk, in headless Chromium, against the real site.

The session starts ``bench --site $CRM_PLUS_SITE serve`` on a free port (and the socket.io server when the
bench has none running), launches Debian's ``chromium`` through Playwright (``executable_path``; never
``playwright install``), and logs in as **personas**: users holding only the roles of the people crm_plus
is for (``PERSONAS``, as ``crm_plus/access_matrix.py`` names them), one per persona and language, kept
between runs (Frappe throttles making users). Nobody here is a System Manager.

Fixtures for tests:

- ``desk``: a :class:`Desk`, a logged-in page of the ``persona`` fixture in the language of the ``lang``
  fixture. ``lang`` is parametrised over ``LANGS`` (en, zh, zh-TW); a test that only makes sense in one
  language overrides it with ``@pytest.mark.parametrize("lang", ["en"])``. ``persona`` is
  ``DEFAULT_PERSONA`` unless a module (or test) overrides the fixture or parametrises it. Each persona and
  language logs in once per session; every test gets a fresh browser context with that login.
  ``desk.goto(path)`` opens ``/app/<path>`` and waits until the desk is idle, ``desk.screenshot(name)``
  saves ``artifacts/frappe-<major>/<name>-<lang>.png``.
- ``site_data``: creates records on the site and **commits** them (the web server is another process);
  everything made through it is deleted again at the end of the test.

Every console error, uncaught page error, failed request and HTTP error response of the site itself fails
the test (after its screenshot is saved), and so does, in zh and zh-TW, any text on the page that is one of
crm_plus's own strings left in English (or, in zh-TW, in its Simplified Chinese translation), checked on
every page opened with ``desk.goto`` and when the test ends (``desk.check_language()`` checks the page as
it is now). socket.io is the one explicit exception: its connection noise is ignored, whether or not a
socket.io server runs. A test that provokes an error on purpose says so with ``desk.allow_errors(regex)``.

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

from crm_plus.access_matrix import PERSONAS as PERSONA_ROLES
from tests import server
from tests.server import ARTIFACTS

BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PLUS_SITE", "crm.test")
LANGS = ("en", "zh", "zh-TW")
PASSWORD = "Crm-Plus-Browser-1"
# the people crm_plus is for, each a user with only these roles (a guest needs no user):
# account manager (Sales User + CRM User), sales manager (Sales Manager + Sales User + CRM Manager),
# accounts (Accounts User), support agent (Support Team), staff (a desk user with an Employee record)
PERSONAS = {
	persona: PERSONA_ROLES[persona]
	for persona in ("account_manager", "sales_manager", "accounts", "support", "staff")
}
DEFAULT_PERSONA = "sales_manager"
# socket.io is not the app's own: its connection errors are expected noise when no server runs
IGNORED = re.compile(r"socket\.io|websocket|Error connecting to socket", re.IGNORECASE)
TIMEOUT_MS = 30000
# the desk's path prefix: /app/ on v15, /desk/ on v16 (which redirects /app/ there)
DESK_PREFIX = r"/(?:app|desk)/"

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


_persona_users: dict[tuple[str, str], str] = {}


def persona_user(persona: str, lang: str) -> str:
	"""The kept desk user of ``persona`` in ``lang`` (``crm-plus-<persona>-<lang>@example.com``), holding
	exactly the persona's roles and no User Permission; made on first use (committed)."""
	if (persona, lang) in _persona_users:
		return _persona_users[persona, lang]
	from frappe.core.doctype.user.user import desk_properties
	from frappe.utils.password import update_password

	frappe.set_user("Administrator")
	email = f"crm-plus-{persona.replace('_', '-')}-{lang.lower()}@example.com"  # Frappe lowercases e-mails
	roles = PERSONAS[persona]
	if not frappe.db.exists("User", email):
		frappe.flags.in_import = True  # no creation throttle (other sessions make users too)
		try:
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"enabled": 1,
					"first_name": persona.replace("_", " ").title(),
					"last_name": f"({lang})",
					"language": lang,
					"send_welcome_email": 0,
					"user_type": "System User",
				}
			).insert(ignore_permissions=True)
		finally:
			frappe.flags.in_import = False
	frappe.db.set_value("User", email, "enabled", 1)
	if "Employee" in roles:
		_employee(email)
	user = frappe.get_doc("User", email)
	if sorted({row.role for row in user.roles}) != sorted(roles):
		user.set("roles", [])
		user.append_roles(*roles)
	user.update({"enabled": 1, "language": lang, "user_type": "System User"})
	user.save(ignore_permissions=True)
	# in_import skips the doctype defaults, which leaves every desk setting off (no form sidebar,
	# timeline or dashboard): set them as a user made from the desk has them, healing users made so
	frappe.db.set_value("User", email, dict.fromkeys(desk_properties, 1))
	frappe.db.delete("User Permission", {"user": email})
	update_password(email, PASSWORD)
	frappe.db.commit()
	frappe.clear_cache(user=email)
	_persona_users[persona, lang] = email
	return email


def _employee(email: str) -> None:
	"""Staff are employees: ERPNext takes the Employee role from a user without an Employee record."""
	if frappe.db.exists("Employee", {"user_id": email}):
		return
	gender = frappe.db.get_value("Gender", {}, "name") or (
		frappe.get_doc({"doctype": "Gender", "gender": "Female"}).insert(ignore_permissions=True).name
	)
	frappe.get_doc(
		{
			"doctype": "Employee",
			"first_name": "Browser Staff",
			"company": frappe.db.get_value("Company", {}, "name", order_by="creation"),
			"gender": gender,
			"date_of_birth": "1990-01-01",
			"date_of_joining": "2020-01-01",
			"status": "Active",
			"user_id": email,
		}
	).insert(ignore_permissions=True)


@pytest.fixture
def persona():
	"""Who walks the desk in a test: a module or test overrides this fixture (or parametrises it)."""
	return DEFAULT_PERSONA


@pytest.fixture(params=LANGS)
def lang(request):
	return request.param


class Desk:
	"""A logged-in desk page of one persona in one language, with the harness's checks."""

	def __init__(self, page, base_url: str, lang: str, user: str, name: str, persona: str = DEFAULT_PERSONA):
		self.page, self.base_url, self.lang, self.user, self.name = page, base_url, lang, user, name
		self.persona = persona
		self.errors: list[str] = []
		self.allowed: list[re.Pattern] = []

	# -- navigation -------------------------------------------------------------------------------------
	def goto(self, path: str = ""):
		"""Open ``/app/<path>``, wait until the desk has loaded it and no request is pending, and check
		that it opened (no "not permitted" page) in the page's language."""
		self.page.goto(f"{self.base_url}/app/{path.lstrip('/')}", wait_until="domcontentloaded")
		self.idle()
		self.check_opened(path)
		self.check_language()
		return self.page

	def open_adoption_board(self, program: str | None = None):
		"""The adoption board where this site has it: Frappe's Leaderboard page (v15, or v16 with the eps
		app) with its CRM Adoption Score board chosen, else the CRM Adoption Leaderboard report (of
		``program``, or the one the report picks)."""
		if frappe.db.exists("Page", "leaderboard"):
			page = self.goto("leaderboard")
			board = page.locator(".leaderboard-sidebar .doctype-text[doctype-value='CRM Adoption Score']")
			board.wait_for()
			assert board.inner_text().strip() == self.__("CRM Adoption Score")
			board.click()
			self.wait_for_route("leaderboard/CRM%20Adoption%20Score")
			self.idle()
			return page
		query = f"?program={program}" if program else ""
		page = self.goto(f"query-report/CRM Adoption Leaderboard{query}")
		page.locator(".page-title:visible", has_text=self.__("CRM Adoption Leaderboard")).first.wait_for()
		self.idle()
		return page

	def wait_for_route(self, route: str, timeout: int = TIMEOUT_MS):
		"""Wait until the page's path is the desk's ``route`` (a regular expression of what follows
		``/app/`` on v15 or ``/desk/`` on v16), e.g. ``r"lifecycle-rule/(?!new).+"``."""
		self.page.wait_for_url(re.compile(rf"^https?://[^/]+{DESK_PREFIX}{route}"), timeout=timeout)

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

	def check_opened(self, what: str = ""):
		"""The page shown is not Frappe's "not permitted" or "not found" page."""
		shown = self.page.evaluate(
			"""() => [...document.querySelectorAll('.message-page')]
				.filter((e) => e.getClientRects().length).map((e) => e.innerText.trim())"""
		)
		if shown:
			self.record(f"{what or self.page.url} did not open for {self.persona}: {shown[0]}")

	def check_language(self):
		"""In zh and zh-TW, no crm_plus string shows in English, nor in the other script
		(``tests/browser/untranslated.py``)."""
		if self.lang == "en" or self.page.is_closed():
			return
		from tests.browser.untranslated import untranslated

		for problem in untranslated(self):
			self.record(f"untranslated on {self.page.url}: {problem}")


# one login per persona and language for the whole session (its cookies), shared by the tests' contexts
_logins: dict[tuple[str, str], dict] = {}


def new_context(browser, base_url: str, persona: str | None, lang: str, **options):
	"""A browser context in ``lang``, logged in as the persona's user (a guest's when ``persona`` is
	None); the login is made once per persona and language and reused."""
	context = browser.new_context(
		viewport={"width": 1366, "height": 900},
		locale=lang,
		storage_state=_logins.get((persona, lang)) if persona else None,
		**options,
	)
	context.set_default_timeout(TIMEOUT_MS)
	if persona and (persona, lang) not in _logins:
		user = persona_user(persona, lang)
		response = context.request.post(
			f"{base_url}/api/method/login", form={"usr": user, "pwd": PASSWORD}, timeout=TIMEOUT_MS
		)
		assert response.ok, f"login as {user} failed: {response.status} {response.text()[:300]}"
		_logins[persona, lang] = context.storage_state()
	return context


def watch(page, desk, base_url: str) -> None:
	"""Every console error, page error, failed request and HTTP error of the site goes to ``desk``."""

	def own(url: str) -> bool:
		return url.startswith(base_url)

	page.on(
		"console",
		lambda msg: msg.type == "error" and desk.record(f"console: {msg.text} ({msg.location.get('url')})"),
	)
	page.on("pageerror", lambda exc: desk.record(f"page error: {exc}\n{exc.stack or ''}"))
	# a request the page gave up itself, moving on to another page (net::ERR_ABORTED), is no failure
	page.on(
		"requestfailed",
		lambda req: own(req.url)
		and "ERR_ABORTED" not in (req.failure or "")
		and desk.record(f"request failed: {req.method} {req.url} {req.failure}"),
	)
	page.on(
		"response",
		lambda res: own(res.url) and res.status >= 400 and desk.record(f"HTTP {res.status}: {res.url}"),
	)


@pytest.fixture
def desk(request, browser, base_url, persona, lang):
	user = persona_user(persona, lang)
	context = new_context(browser, base_url, persona, lang)
	page = context.new_page()
	name = re.sub(r"[^\w.-]+", "_", request.node.name)
	desk = Desk(page, base_url, lang, user, name, persona)
	watch(page, desk, base_url)
	yield desk
	failed = getattr(request.node, "rep_call", None)
	if failed is not None and failed.failed:
		with contextlib.suppress(Exception):
			desk.screenshot(f"FAILED-{name}", full_page=True)
	else:
		with contextlib.suppress(Exception):  # the page the test ended on
			desk.check_language()
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

	def segmented_customer(self, segment: str, was: str | None = None, days_ago: int = 30) -> str:
		"""A customer of this test in RFM ``segment`` today (and in ``was`` ``days_ago`` days ago), as the
		nightly insights leave it: the segment on its relationship and its dated segment history. The
		charts and the movement report have data to draw on any site, an empty one included."""
		from frappe.utils import add_days, nowdate

		from crm_plus.insights.health import history_name
		from crm_plus.touchpoints import relationship

		customer = self.customer()
		relationship.refresh([customer])
		frappe.db.set_value("Customer Relationship", customer, "rfm_segment", segment, update_modified=False)
		company = frappe.db.get_value("Company", {}, "name", order_by="creation")
		rows = [(add_days(nowdate(), -days_ago), was, None)] if was else []
		rows.append((nowdate(), segment, was))
		for day, value, previous in rows:
			frappe.get_doc(
				{
					"doctype": "Customer Segment History",
					"name": history_name(customer, day),
					"customer": customer,
					"company": company,
					"snapshot_date": day,
					"segment": value,
					"previous_segment": previous,
				}
			).db_insert()
		frappe.db.commit()
		return customer

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
