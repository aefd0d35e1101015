"""Build the demo: a company, customers in every lifecycle stage, their sales and payments through
ERPNext's own controllers (so the ledgers are right), a CRM Plan, the shipped lifecycle rules, and
whatever other capabilities this site has (surveys, competitor notes, adoption, insights); then the
engines run once over the demo's customers and a summary says what happened.

Dates are relative to today, so the demo tells the same story whenever it is built.

From nothing: on a site just made with ``bench new-site --install-app erpnext`` (the setup wizard not
completed) the demo completes the setup wizard itself with ``setup_wizard_values()`` (its own
company), as a person would in the desk. Every customer has a contact with an e-mail address, and the
demo's survey is e-mailed to the customers who have not answered it: on a site without an outgoing
e-mail account the demo adds one with no server behind it and suspends sending (Frappe's own switch in
the Email Queue list), so the e-mails stay queued and the links in them work."""

from collections.abc import Callable

import frappe
from frappe.cache_manager import clear_defaults_cache
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import add_days, add_months, cint, get_first_day, get_url, getdate, now_datetime, nowdate

from crm_plus.demo.registry import (
	ABBR,
	COMPANY,
	COMPLETE,
	COUNTRY,
	CURRENCY,
	CUSTOMER_GROUP,
	PREFIX,
	Registry,
	commit,
	locked,
	real_customers,
)

PRICE_LIST = "CRM Plus Demo Prices"
ITEMS = (
	# code, name, stock item, rate
	("DEMO-BEANS", "Espresso Beans 1 kg", 1, 18),
	("DEMO-GRINDER", "Commercial Grinder", 1, 650),
	("DEMO-SERVICE", "Machine Maintenance Visit", 0, 120),
)
USERS = (
	# email, first name, last name, roles
	("anna.lind@crm-plus-demo.example", "Anna", "Lind", ("Sales User", "Sales Manager", "CRM Manager")),
	("ben.okafor@crm-plus-demo.example", "Ben", "Okafor", ("Sales User", "Accounts User", "CRM User")),
)
ANNA, BEN = USERS[0][0], USERS[1][0]

# each customer's contact: first name, last name (the e-mail address is made from them and the customer)
CONTACTS = {
	"prospect": ("Maya", "Chen"),
	"new": ("Liam", "Porter"),
	"regular": ("Ingrid", "Dahl"),
	"fading": ("Sam", "Rivera"),
	"churned": ("Rosa", "Bianchi"),
	"overdue": ("Omar", "Haddad"),
}
# the customers the demo's survey is e-mailed to (the others answered it already)
SURVEYED = ("prospect", "churned")
# the outgoing account a site without one gets: no server answers at that name (.example is reserved)
OUTBOX = "CRM Plus Demo Outbox"
OUTBOX_EMAIL = "outbox@crm-plus-demo.example"
OUTBOX_SERVER = "smtp.crm-plus-demo.example"

# customer, account manager, story; each story's days are "days ago"
CUSTOMERS = (
	("Harbor Cafe", ANNA, "prospect"),
	("Northwind Bistro", ANNA, "new"),
	("Blue Fjord Hotels", BEN, "regular"),
	("Lakeside Roasters", ANNA, "fading"),
	("Old Mill Deli", BEN, "churned"),
	("Granite Office Park", BEN, "overdue"),
)

STEPS = (
	"company",
	"master data",
	"sales",
	"crm plan",
	"lifecycle rules",
	"surveys",
	"competitor notes",
	"touchpoints",
	"engines",
	"adoption",
)


def setup_wizard_values(today=None) -> dict:
	"""What the demo completes a new site's setup wizard with: its own company, in the United States (USD,
	New York time), English, a calendar fiscal year, ERPNext's standard chart of accounts; no new user."""
	year = getdate(today or nowdate()).year
	return {
		"language": "English",
		"country": COUNTRY,
		"timezone": "America/New_York",
		"currency": CURRENCY,
		"company_name": COMPANY,
		"company_abbr": ABBR,
		"chart_of_accounts": "Standard",
		"fy_start_date": f"{year}-01-01",
		"fy_end_date": f"{year}-12-31",
	}


def setup_wizard_note(values: dict | None = None) -> str:
	"""The values, said before the demo completes a site's setup wizard with them."""
	v = values or setup_wizard_values()
	return (
		"The setup wizard of this site has not been completed: the demo completes it with "
		f"company {v['company_name']} ({v['company_abbr']}), country {v['country']}, currency {v['currency']}, "
		f"time zone {v['timezone']}, language {v['language']}, fiscal year {v['fy_start_date']} to "
		f"{v['fy_end_date']}, chart of accounts {v['chart_of_accounts']}. To choose other values, complete "
		"the setup wizard in the desk first."
	)


def complete_setup_wizard() -> dict:
	"""Complete the site's setup wizard as the desk's would, with ``setup_wizard_values``; returns them."""
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	values = setup_wizard_values()
	# the wizard runs inside this process, whatever the site's configuration says about a background job
	background = frappe.local.conf.pop("trigger_site_setup_in_background", None)
	try:
		setup_complete(values)
	finally:
		if background is not None:
			frappe.local.conf["trigger_site_setup_in_background"] = background
	if not frappe.is_setup_complete():
		frappe.throw(
			frappe._(
				"Complete the setup wizard first (open the desk as Administrator): the demo needs ERPNext's "
				"basic records such as units of measure, warehouse types and territories."
			)
		)
	frappe.clear_cache()
	return values


def build(progress: Callable[[str], None] | None = None, force: bool = False) -> dict:
	"""Make the demo (once) and return its summary; ``progress(step)`` is called as each step ends."""
	with locked():
		return _build(progress, force)


def _build(progress, force: bool) -> dict:
	existing = Registry.load()
	if existing and existing.status == COMPLETE and frappe.db.exists("Company", COMPANY):
		existing.summary["already_present"] = True
		return existing.summary
	if existing:  # an interrupted run: take its remains away and start again
		from crm_plus.demo.remove import remove

		remove()
	real = real_customers()
	if real and not force:
		frappe.throw(
			frappe._(
				"This site holds {0} customers of its own (e.g. {1}); the demo is meant for an empty site. "
				"Use --force to add it anyway."
			).format(len(real), real[0])
		)
	frappe.set_user("Administrator")
	demo = Demo(Registry())
	if not frappe.is_setup_complete():
		demo.registry.setup_wizard = complete_setup_wizard()
		demo.registry.save()
		commit()
	for step in STEPS:
		try:
			demo.run(step)
		except BaseException:
			frappe.db.rollback()  # nothing of a failed step stays; what is committed is in the registry
			raise
		demo.registry.save()
		commit()
		if progress:
			progress(step)
	demo.registry.status = COMPLETE
	demo.registry.summary = demo.summary()
	demo.registry.save()
	commit()
	return demo.registry.summary


def lines_of(lines) -> list[dict]:
	"""Item rows at the demo's list rates (the site's price lists may be in another currency)."""
	rates = {code: rate for code, _name, _stock, rate in ITEMS}
	return [{"item_code": code, "qty": qty, "rate": rates[code]} for code, qty in lines]


def available(doctype: str) -> bool:
	"""Whether a capability built beside this one is installed on the site yet."""
	return bool(frappe.db.table_exists(doctype))


class Demo:
	def __init__(self, registry: Registry):
		self.registry = registry
		self.today = getdate(nowdate())
		self.customers: dict[str, str] = {}  # story -> customer name
		self.invoices: dict[str, list] = {}  # story -> submitted Sales Invoices
		self.plan = None
		self.alerts: list[str] = []
		self.evaluations: list[str] = []

	def run(self, step: str, attempts: int = 3):
		"""One step in one transaction; retried when it lost a deadlock to someone else's work."""
		for attempt in range(attempts):
			mark, customers = len(self.registry.records), dict(self.customers)
			suspended = self.registry.suspended_email
			try:
				getattr(self, "step_" + step.replace(" ", "_"))()
				return
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				frappe.db.rollback()
				del self.registry.records[mark:]
				self.customers = customers
				# the site's defaults (e-mail suspended) are cached beside the rolled-back rows
				self.registry.suspended_email = suspended
				clear_defaults_cache("__default")
				if attempt == attempts - 1:
					raise

	def add(self, doc):
		self.registry.add(doc.doctype, doc.name)
		return doc

	def ago(self, days: int):
		return add_days(self.today, -days)

	# ---- company and master data ------------------------------------------------------------------

	def step_company(self):
		for day in (self.ago(420), self.today):
			self.ensure_fiscal_year(day)
		if frappe.db.exists("Company", COMPANY):
			self.add(frappe.get_doc("Company", COMPANY))
			return
		company = frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": COMPANY,
				"abbr": ABBR,
				"default_currency": CURRENCY,
				"country": COUNTRY,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
		self.add(company)

	def ensure_fiscal_year(self, day):
		from erpnext.accounts.utils import get_fiscal_year

		try:
			get_fiscal_year(day, company=None)
			return
		except Exception:
			pass
		year = getdate(day).year
		fy = frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": f"{year} (CRM Plus Demo)",
				"year_start_date": f"{year}-01-01",
				"year_end_date": f"{year}-12-31",
			}
		).insert(ignore_permissions=True)
		self.add(fy)

	def step_master_data(self):
		if not frappe.db.exists("Customer Group", CUSTOMER_GROUP):
			self.add(
				frappe.get_doc(
					{
						"doctype": "Customer Group",
						"customer_group_name": CUSTOMER_GROUP,
						"parent_customer_group": "All Customer Groups",
					}
				).insert(ignore_permissions=True)
			)
		if not frappe.db.exists("Price List", PRICE_LIST):
			# in the demo's currency, so no exchange rate is looked up for a site in another currency
			self.add(
				frappe.get_doc(
					{
						"doctype": "Price List",
						"price_list_name": PRICE_LIST,
						"currency": CURRENCY,
						"selling": 1,
					}
				).insert(ignore_permissions=True)
			)
		for email, first, last, roles in USERS:
			if frappe.db.exists("User", email):
				continue
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": first,
					"last_name": last,
					"send_welcome_email": 0,
				}
			)
			user.append_roles(*roles)
			# Frappe throttles sign-ups (``throttle_user_limit`` users an hour, site-wide); the demo's two
			# users are not sign-ups, so this process lets them through whatever others created
			limit = frappe.local.conf.get("throttle_user_limit")
			frappe.local.conf["throttle_user_limit"] = (limit or 60) + 1_000_000
			try:
				self.add(user.insert(ignore_permissions=True))
			finally:
				frappe.local.conf["throttle_user_limit"] = limit
				if limit is None:
					frappe.local.conf.pop("throttle_user_limit")
		for code, item_name, is_stock, rate in ITEMS:
			if frappe.db.exists("Item", code):
				continue
			item = frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": item_name,
					"item_group": "All Item Groups",
					"stock_uom": "Nos",
					"is_stock_item": is_stock,
					"standard_rate": rate,
					# every item needs one (ERPNext fills in the site's default warehouse otherwise)
					"item_defaults": [{"company": COMPANY, "default_warehouse": self.warehouse()}],
				}
			).insert(ignore_permissions=True)
			self.add(item)
		for customer_name, manager, story in CUSTOMERS:
			doc = frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": PREFIX + customer_name,
					"customer_type": "Company",
					"customer_group": CUSTOMER_GROUP,
					"territory": "All Territories",
					"account_manager": manager,
					"default_currency": CURRENCY,
				}
			).insert(ignore_permissions=True)
			self.customers[story] = self.add(doc).name
			self.contact(doc.name, customer_name, story)
		# stock for the deliveries, received before the first sale
		from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

		for code, _name, is_stock, rate in ITEMS:
			if is_stock:
				se = make_stock_entry(
					item_code=code,
					qty=500 if code == "DEMO-BEANS" else 20,
					company=COMPANY,
					to_warehouse=self.warehouse(),
					rate=round(rate * 0.55, 2),
					posting_date=self.ago(410),
				)
				self.add(se)

	def contact(self, customer: str, customer_name: str, story: str):
		"""The customer's contact person, with an e-mail address, made its primary contact."""
		first, last = CONTACTS[story]
		domain = customer_name.lower().replace(" ", "-")
		email = f"{first}.{last}@{domain}.example".lower()
		doc = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": first,
				"last_name": last,
				"is_primary_contact": 1,
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		self.add(doc)
		frappe.db.set_value(
			"Customer",
			customer,
			{"customer_primary_contact": doc.name, "email_id": email},
			update_modified=False,
		)

	def warehouse(self) -> str:
		return f"Stores - {ABBR}"

	# ---- sales -----------------------------------------------------------------------------------

	def step_sales(self):
		c = self.customers
		# Prospect: a quotation, nothing bought yet
		self.quotation(c["prospect"], 4, [("DEMO-GRINDER", 1), ("DEMO-BEANS", 40)])
		# Nurturing: quoted, ordered, delivered, invoiced and paid within the last weeks
		si = self.full_sale(c["new"], 25, [("DEMO-BEANS", 30), ("DEMO-SERVICE", 1)])
		self.pay(si, 12)
		# Maintenance: a regular buyer all year; one delivery partly returned (a credit note)
		for days in range(330, 10, -30):
			si = self.invoice(c["regular"], days, [("DEMO-BEANS", 25)])
			self.pay(si, days - 14)
		si = self.full_sale(c["regular"], 45, [("DEMO-GRINDER", 2)])
		self.pay(si, 30)
		self.credit_note(si, 40, qty=1)
		# At Risk: bought every two weeks, then almost stopped (frequency halved, 60+ days without purchase)
		for days in range(260, 95, -15):
			si = self.invoice(c["fading"], days, [("DEMO-BEANS", 20)])
			self.pay(si, days - 10)
		si = self.invoice(c["fading"], 75, [("DEMO-BEANS", 8)])
		self.pay(si, 60)
		# Churned: the last purchase more than a year ago
		for days in (400, 385):
			si = self.invoice(c["churned"], days, [("DEMO-BEANS", 15)])
			self.pay(si, days - 20)
		# Overdue: paid at first, then two invoices left unpaid long past their due date, and a dunning
		for days in (200, 170):
			si = self.invoice(c["overdue"], days, [("DEMO-SERVICE", 2)])
			self.pay(si, days - 25)
		unpaid = [
			self.invoice(c["overdue"], days, [("DEMO-SERVICE", 3), ("DEMO-BEANS", 10)]) for days in (110, 80)
		]
		self.dunning(unpaid[0])

	def quotation(self, customer: str, days: int, lines, submit: bool = True):
		doc = frappe.get_doc(
			{
				"doctype": "Quotation",
				"quotation_to": "Customer",
				"party_name": customer,
				"company": COMPANY,
				"currency": CURRENCY,
				"selling_price_list": PRICE_LIST,
				"transaction_date": self.ago(days),
				# still valid today: ERPNext orders only from a quotation that is
				"valid_till": self.ago(min(days - 30, -1)),
				"items": lines_of(lines),
			}
		).insert(ignore_permissions=True)
		if submit:
			doc.submit()
		return self.add(doc)

	def full_sale(self, customer: str, days: int, lines):
		"""Quotation → Sales Order → Delivery Note → Sales Invoice, each made by ERPNext's own mapper."""
		from erpnext.selling.doctype.quotation.quotation import make_sales_order
		from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

		quotation = self.quotation(customer, days, lines)
		so = make_sales_order(quotation.name)
		so.transaction_date = self.ago(days - 1)
		so.delivery_date = self.ago(days - 3)
		so.payment_schedule = []  # recomputed from the order's own date
		so.insert(ignore_permissions=True)
		so.submit()
		self.add(so)
		dn = make_delivery_note(so.name)
		dn.set_posting_time = 1
		dn.posting_date = self.ago(days - 3)
		dn.set_warehouse = self.warehouse()
		for row in dn.items:
			row.warehouse = self.warehouse()
		dn.insert(ignore_permissions=True)
		dn.submit()
		self.add(dn)
		si = make_sales_invoice(dn.name)
		self._dates(si, days - 3)
		si.insert(ignore_permissions=True)
		si.submit()
		return self.add(si)

	def invoice(self, customer: str, days: int, lines):
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": customer,
				"company": COMPANY,
				"currency": CURRENCY,
				"selling_price_list": PRICE_LIST,
				"items": lines_of(lines),
			}
		)
		self._dates(si, days)
		si.insert(ignore_permissions=True)
		si.submit()
		return self.add(si)

	def _dates(self, si, days: int, terms: int = 30):
		si.set_posting_time = 1
		si.posting_date = self.ago(days)
		si.payment_terms_template = None
		si.payment_schedule = []
		si.due_date = self.ago(days - terms)

	def pay(self, si, days: int):
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		pe = get_payment_entry("Sales Invoice", si.name)
		pe.posting_date = self.ago(max(days, 0))
		pe.reference_no = f"DEMO-{si.name}"
		pe.reference_date = pe.posting_date
		pe.insert(ignore_permissions=True)
		pe.submit()
		return self.add(pe)

	def credit_note(self, si, days: int, qty: float):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		ret = make_sales_return(si.name)
		ret.set_posting_time = 1
		ret.posting_date = self.ago(days)
		for row in ret.items:
			row.qty = -qty
		ret.insert(ignore_permissions=True)
		ret.submit()
		return self.add(ret)

	def dunning(self, si):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import create_dunning

		doc = create_dunning(si.name)
		doc.posting_date = self.ago(40)
		doc.insert(ignore_permissions=True)
		doc.submit()
		return self.add(doc)

	# ---- crm_plus -------------------------------------------------------------------------------

	def step_crm_plan(self):
		year = self.today.year
		doc = frappe.get_doc(
			{
				"doctype": "CRM Plan",
				"title": f"CRM Plus Demo Plan {year}",
				"company": COMPANY,
				"manager": ANNA,
				"period_from": f"{year}-01-01",
				"period_to": f"{year}-12-31",
				"evaluation_frequency": "Quarterly",
				"customer_groups": [{"customer_group": CUSTOMER_GROUP}],
				"goals": [
					# a year's revenue on a quarterly plan: each evaluation gets its share by days
					{
						"kpi": "Revenue",
						"target": 30000,
						"target_for": "Whole Plan",
						"weight": 40,
						"direction": "Raise",
					},
					{"kpi": "Churn Rate", "target": 10, "weight": 30, "direction": "Lower"},
					{"kpi": "Average Days to Pay", "target": 14, "weight": 30, "direction": "Lower"},
				],
				"customer_goals": [
					{"customer_want": "Fresh beans every week", "how_we_meet_it": "Standing weekly orders"},
					{
						"customer_want": "Machines that never stop",
						"how_we_meet_it": "Quarterly maintenance visits",
					},
				],
				"stage_owners": [
					{"lifecycle_stage": "Prospect", "user": ANNA},
					{"lifecycle_stage": "Nurturing", "user": ANNA},
					{"lifecycle_stage": "Maintenance", "user": BEN},
					{"lifecycle_stage": "At Risk", "user": ANNA},
				],
				"budget_amount": 12000,
				"time_budget_hours": 160,
				"retention_plan": "<p>Call every customer who has not ordered for 60 days within a week.</p>",
				"communication_strategy": "<p>A monthly tasting newsletter; a visit to every key account each quarter.</p>",
			}
		).insert(ignore_permissions=True)
		self.add(doc)
		doc.activate()
		self.plan = doc

	def step_lifecycle_rules(self):
		from crm_plus.lifecycle import examples

		self.registry.created_rules = examples.install()
		for example in examples.EXAMPLES:
			if not frappe.db.get_value("Lifecycle Rule", example["title"], "enabled"):
				frappe.db.set_value("Lifecycle Rule", example["title"], "enabled", 1)
				self.registry.enabled_rules.append(example["title"])

	def step_surveys(self):
		if not available("Feedback Survey"):
			return
		survey = frappe.get_doc(
			{
				"doctype": "Feedback Survey",
				"title": "CRM Plus Demo: How did we do?",
				"audience": "Customer",
				"active": 1,
				"introduction": "Two quick questions about your last delivery.",
				"questions": [
					{
						"question": "How satisfied are you with our service?",
						"question_type": "Rating",
						"required": 1,
					},
					{"question": "How likely are you to recommend us to a friend?", "question_type": "NPS"},
				],
			}
		).insert(ignore_permissions=True)
		self.add(survey)
		rating, nps = (q.name for q in survey.questions)
		# two promoters, a passive and a detractor: the workspace's NPS card shows +25, not a flat 0
		answers = {"new": (5, 10), "regular": (4, 9), "fading": (2, 3), "overdue": (3, 7)}
		for story, (stars, score) in answers.items():
			response = frappe.get_doc(
				{
					"doctype": "Feedback Response",
					"survey": survey.name,
					"customer": self.customers[story],
					"channel": "Desk",
					"submitted_on": add_days(now_datetime(), -2),
					"comment": "The last delivery came a week late." if story == "fading" else None,
					"answers": [
						{"question": rating, "answer": str(stars)},
						{"question": nps, "answer": str(score)},
					],
				}
			).insert(ignore_permissions=True)
			self.add(response)
			# the answer came in two days ago: its touchpoint says so (the 24-hour rule reads that time)
			if response.touchpoint:
				frappe.db.set_value(
					"Customer Touchpoint",
					response.touchpoint,
					"creation",
					response.submitted_on,
					update_modified=False,
				)
			if story != "fading":  # the others were acknowledged; the complaint still waits for an answer
				response.status = "Acknowledged"
				response.save(ignore_permissions=True)
		self.send_survey(survey.name)

	def send_survey(self, survey: str):
		"""E-mail the survey to the customers who have not answered it, as Send Survey does: the e-mails are
		queued (on a site without SMTP they stay there) and the single-use link in each works."""
		from crm_plus.feedback import invitations

		self.outgoing_email()
		recipients = invitations.recipients_for_customers([self.customers[story] for story in SURVEYED])
		for name in invitations.send(survey, recipients):
			self.registry.add("Feedback Invitation", str(name))
			queued = frappe.db.get_value("Feedback Invitation", name, "email_queue")
			if queued:
				self.registry.add("Email Queue", queued)

	def outgoing_email(self):
		"""Frappe queues an e-mail only from an outgoing account. A site without one gets the demo's
		outbox, with no server behind it, and sending suspended (Frappe's Suspend Sending in the Email
		Queue list): every e-mail stays queued, readable, until someone sets up a real account and resumes
		sending. Removing the demo takes both back."""
		from crm_plus import readiness

		if readiness.can_queue_email():
			return
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": OUTBOX,
				"email_id": OUTBOX_EMAIL,
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": OUTBOX_SERVER,
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
		self.add(account)
		frappe.local.outgoing_email_account = {}  # Frappe's per-process cache of the account it found
		if not cint(frappe.db.get_default("suspend_email_queue")):
			frappe.db.set_default("suspend_email_queue", 1)
			self.registry.suspended_email = True

	def step_competitor_notes(self):
		if not available("Competitor Note"):
			return
		name = "Bean Brothers Wholesale"
		if not frappe.db.exists("Competitor", name):
			self.add(frappe.get_doc({"doctype": "Competitor", "competitor_name": name}).insert())
		notes = (
			("fading", "Pricing", "High", "Offers the same beans 12% cheaper with free delivery.", ANNA),
			(
				"regular",
				"Service",
				"Low",
				"Visits twice a year; the customer prefers our quarterly checks.",
				BEN,
			),
		)
		for story, aspect, threat, observation, user in notes:
			note = frappe.get_doc(
				{
					"doctype": "Competitor Note",
					"competitor": name,
					"aspect": aspect,
					"threat_level": threat,
					"observed_on": self.ago(20),
					"source": "Customer Conversation",
					"captured_by": user,
					"customer": self.customers[story],
					"crm_plan": self.plan.name if self.plan else None,
					"observation": observation,
				}
			).insert(ignore_permissions=True)
			self.add(note)
			frappe.db.set_value("Competitor Note", note.name, "owner", user, update_modified=False)

	def step_touchpoints(self):
		"""Calls, meetings and visits the account managers logged by hand (their adoption counts them)."""
		logged = (
			("prospect", "Call", "Outbound", 3, ANNA),
			("prospect", "Meeting", "Outbound", 2, ANNA),
			("new", "Visit", "Outbound", 20, ANNA),
			("regular", "Call", "Inbound", 9, BEN),
			("regular", "Visit", "Outbound", 6, BEN),
			("overdue", "Call", "Outbound", 5, BEN),
		)
		for story, kind, direction, days, user in logged:
			doc = frappe.get_doc(
				{
					"doctype": "Customer Touchpoint",
					"customer": self.customers[story],
					"touchpoint_type": kind,
					"direction": direction,
					"company": COMPANY,
					"posting_date": self.ago(days),
				}
			).insert(ignore_permissions=True)
			self.add(doc)
			when = add_days(now_datetime(), -days)
			frappe.db.set_value(
				"Customer Touchpoint", doc.name, {"owner": user, "creation": when}, update_modified=False
			)

	def step_engines(self):
		"""The engines, once, over the demo's customers only (other customers of the site are left alone)."""
		from crm_plus.lifecycle import engine
		from crm_plus.lifecycle.examples import EXAMPLES
		from crm_plus.plans import evaluation
		from crm_plus.touchpoints import relationship
		from crm_plus.touchpoints.sources import insert_rows, overdue_invoices

		customers = list(self.customers.values())
		si = DocType("Sales Invoice")
		insert_rows([tuple(r) for r in overdue_invoices(self.today).where(si.company == COMPANY).run()])
		relationship.refresh(customers)
		if available("Customer Segment History"):
			from crm_plus.insights import health

			# every customer, committing per chunk as the nightly job does (no long transaction)
			health.recompute()
		relationship.refresh(customers)
		for example in EXAMPLES:
			rule = frappe.get_doc("Lifecycle Rule", example["title"])
			rule.customer_group = CUSTOMER_GROUP  # this run only, not saved: the demo's customers
			self.alerts += engine.run_rule(rule)
		relationship.refresh(customers)
		plan = frappe.get_doc("CRM Plan", self.plan.name)
		evaluation.evaluate_due(plan, self.today)
		# the periods that have ended, whoever evaluated them (activation may catch up by itself)
		self.evaluations = frappe.get_all(
			"CRM Plan Evaluation",
			filters={"plan": plan.name, "evaluation_type": "Scheduled"},
			order_by="period_to asc",
			pluck="name",
		)
		for name in self.evaluations:
			self.add(frappe.get_doc("CRM Plan Evaluation", name))
		if self.evaluations:
			past = frappe.get_doc("CRM Plan Evaluation", self.evaluations[0])
			past.findings = "Revenue on track; Lakeside Roasters is buying less: call them this week."
			past.submit()

	def step_adoption(self):
		if not available("CRM Adoption Program"):
			return
		from crm_plus.adoption import metrics, scores

		wanted = (("manual_touchpoints", 1, 5), ("competitor_notes", 1, 1), ("alerts_resolved", 1, 2))
		rows = [
			{"metric": key, "weight": weight, "target": target}
			for key, weight, target in wanted
			if metrics.get_metric(key)
		]
		program = frappe.get_doc(
			{
				"doctype": "CRM Adoption Program",
				"title": "CRM Plus Demo Adoption",
				"period": "Quarterly",
				"start_date": get_first_day(add_months(self.today, -12)),
				"users": [{"user": ANNA}, {"user": BEN}],
				"metrics": rows,
				"tiers": [{"threshold": 80, "reward": "Team lunch", "energy_points": 0}],
			}
		).insert(ignore_permissions=True)
		self.add(program)
		scores.compute(program.name, self.today)

	# ---- summary --------------------------------------------------------------------------------

	def summary(self) -> dict:
		customers = list(self.customers.values())
		tp = DocType("Customer Touchpoint")
		touchpoints = (
			frappe.qb.from_(tp)
			.select(tp.touchpoint_type, Count("*").as_("n"))
			.where(tp.customer.isin(customers or [""]))
			.groupby(tp.touchpoint_type)
			.run(as_dict=True)
		)
		stages = frappe.get_all(
			"Customer Relationship",
			filters={"name": ("in", customers)},
			fields=["name", "lifecycle_stage"],
		)
		alerts = frappe.get_all(
			"Lifecycle Alert", filters={"customer": ("in", customers)}, fields=["rule", "customer"]
		)
		evaluations = frappe.get_all(
			"CRM Plan Evaluation",
			filters={"plan": self.plan.name},
			fields=["name", "period_to", "weighted_score"],
			order_by="period_to asc",
		)
		leaderboard = []
		if available("CRM Adoption Score"):
			leaderboard = frappe.get_all(
				"CRM Adoption Score",
				filters={"program": "CRM Plus Demo Adoption"},
				fields=["user", "score"],
				order_by="score desc",
			)
		people = {
			row.name: f"{row.first_name} {row.last_name} <{row.email_id}>"
			for row in frappe.get_all(
				"Contact",
				filters={"name": ("in", self.registry.names("Contact") or [""])},
				fields=["name", "first_name", "last_name", "email_id"],
			)
		}
		contacts = {
			customer: people[contact]
			for customer, contact in frappe.get_all(
				"Customer",
				filters={"name": ("in", customers)},
				fields=["name", "customer_primary_contact"],
				as_list=True,
			)
			if contact in people
		}
		survey_emails = frappe.get_all(
			"Feedback Invitation",
			filters={"name": ("in", self.registry.names("Feedback Invitation") or [0])},
			fields=["customer", "email", "email_queue"],
			order_by="customer",
			as_list=True,
		)
		return {
			"setup_wizard": self.registry.setup_wizard,
			"contacts": contacts,
			"survey_emails": [list(row) for row in survey_emails],
			"outbox": OUTBOX if ["Email Account", OUTBOX] in self.registry.records else None,
			"email_held": bool(cint(frappe.db.get_default("suspend_email_queue"))),
			"email_queue_url": get_url("/app/email-queue"),
			"company": COMPANY,
			"customers": {row.name: row.lifecycle_stage for row in stages},
			"touchpoints": {row.touchpoint_type: row.n for row in touchpoints},
			"alerts": [[row.rule, row.customer] for row in alerts],
			"plan": self.plan.name,
			"evaluations": [[row.name, str(row.period_to), row.weighted_score] for row in evaluations],
			"leaderboard": [[row.user, row.score] for row in leaderboard],
			"url": get_url("/app/crm-plus"),
		}


def describe(summary: dict) -> str:
	"""The summary as the command prints it."""
	lines = []
	if summary.get("already_present"):
		lines.append("The demo is already on this site (nothing was added):")
	if summary.get("setup_wizard"):
		lines.append(
			setup_wizard_note(summary["setup_wizard"]).replace("the demo completes", "the demo completed")
		)
	lines.append(f"Company: {summary['company']}")
	lines.append("Customers, their lifecycle stage and contact:")
	contacts = summary.get("contacts") or {}
	lines += [
		f"  {name}: {stage}, {contacts.get(name, 'no contact')}"
		for name, stage in sorted(summary["customers"].items())
	]
	lines.append("Touchpoints: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["touchpoints"].items())))
	lines.append(f"Lifecycle alerts raised: {len(summary['alerts'])}")
	lines += [f"  {rule}: {customer}" for rule, customer in summary["alerts"]]
	lines.append(f"CRM Plan {summary['plan']} evaluations:")
	lines += [f"  {name} (period to {day}): score {score}" for name, day, score in summary["evaluations"]]
	if summary.get("leaderboard"):
		lines.append("Adoption leaderboard:")
		lines += [f"  {user}: {score}" for user, score in summary["leaderboard"]]
	if summary.get("survey_emails"):
		lines.append("Survey e-mails queued (each holds a single-use link to the survey page):")
		lines += [
			f"  {customer}: {email} (Email Queue {queue})"
			for customer, email, queue in summary["survey_emails"]
		]
		if summary.get("outbox"):
			lines.append(
				f"  This site had no outgoing e-mail account: the demo added {summary['outbox']} (no server behind "
				"it) and suspended sending, so the e-mails stay queued. Read them, and follow their links, in "
				f"{summary['email_queue_url']}; to send e-mail for real, set up an Email Account and press Resume "
				"Sending there."
			)
		elif summary.get("email_held"):
			lines.append(f"  Sending is suspended on this site: they stay in {summary['email_queue_url']}.")
		else:
			lines.append(f"  They go out with the site's e-mail; each is in {summary['email_queue_url']}.")
	lines.append(f"Open the desk: {summary['url']}")
	return "\n".join(lines)
