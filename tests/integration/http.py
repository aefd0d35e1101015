"""Real HTTP requests to the site, as users holding only a persona's roles.

The web server is another process, so what these tests make is committed, and deleted again when the
module is done (``Records``). The persona users are kept between runs (``crm-plus-http-<persona>``):
Frappe throttles making users, and other sessions run the same tests.
"""

import contextlib
import json

import frappe
import requests

from crm_plus.access_matrix import PERSONAS

PASSWORD = "Crm-Plus-Http-1"


def persona_user(persona: str, roles: tuple[str, ...] | None = None) -> str | None:
	"""The kept user of ``persona`` holding exactly its roles (committed); None for a guest."""
	roles = PERSONAS[persona] if roles is None else roles
	if roles is None:
		return None
	from frappe.core.doctype.user.user import desk_properties
	from frappe.utils.password import update_password

	email = f"crm-plus-http-{persona.replace('_', '-')}@example.com"
	user_type = "System User" if roles else "Website User"
	if not frappe.db.exists("User", email):
		frappe.flags.in_import = True  # no creation throttle (and no defaults: enabled is set here)
		try:
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": f"HTTP {persona}",
					"send_welcome_email": 0,
					"enabled": 1,  # an Employee is refused a disabled user (a fresh site's staff persona)
				}
			).insert(ignore_permissions=True)
		finally:
			frappe.flags.in_import = False
	if "Employee" in roles:
		_employee(email)
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	user.append_roles(*roles)
	user.update({"enabled": 1, "user_type": user_type})
	user.save(ignore_permissions=True)
	if roles:
		frappe.db.set_value("User", email, dict.fromkeys(desk_properties, 1))
	frappe.db.delete("User Permission", {"user": email})
	update_password(email, PASSWORD)
	frappe.db.commit()
	frappe.clear_cache(user=email)
	return email


def _employee(email: str) -> None:
	"""ERPNext takes the Employee role from a user who is no employee: staff get an Employee record."""
	if frappe.db.exists("Employee", {"user_id": email}):
		return
	gender = frappe.db.get_value("Gender", {}, "name") or (
		frappe.get_doc({"doctype": "Gender", "gender": "Female"}).insert(ignore_permissions=True).name
	)
	frappe.get_doc(
		{
			"doctype": "Employee",
			"first_name": "HTTP Staff",
			"company": frappe.db.get_value("Company", {}, "name", order_by="creation"),
			"gender": gender,
			"date_of_birth": "1990-01-01",
			"date_of_joining": "2020-01-01",
			"status": "Active",
			"user_id": email,
		}
	).insert(ignore_permissions=True)


class Client:
	"""A logged-in (or guest) HTTP session."""

	def __init__(self, base_url: str, user: str | None):
		self.base_url, self.user = base_url, user
		self.session = requests.Session()
		if user:
			response = self.session.post(
				f"{base_url}/api/method/login", data={"usr": user, "pwd": PASSWORD}, timeout=60
			)
			assert response.ok, f"login as {user}: {response.status_code} {response.text[:300]}"

	def request(self, verb: str, path: str, **kwargs) -> requests.Response:
		return self.session.request(verb, f"{self.base_url}{path}", timeout=120, **kwargs)

	def call(self, method: str, verb: str = "POST", **args) -> requests.Response:
		data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in args.items()}
		if verb == "GET":
			return self.request("GET", f"/api/method/{method}", params=data)
		return self.request("POST", f"/api/method/{method}", data=data)

	def run_doc_method(self, doctype: str, name: str, method: str, **args) -> requests.Response:
		data = {"dt": doctype, "dn": name, "method": method}
		if args:
			data["args"] = json.dumps(args)
		return self.request("POST", "/api/method/run_doc_method", data=data)

	def list(self, doctype: str, **params) -> requests.Response:
		params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
		return self.request("GET", f"/api/resource/{doctype}", params=params)

	def get_doc(self, doctype: str, name) -> requests.Response:
		return self.request("GET", f"/api/resource/{doctype}/{name}")

	def put(self, doctype: str, name, values: dict) -> requests.Response:
		return self.request(
			"PUT",
			f"/api/resource/{doctype}/{name}",
			data=frappe.as_json(values),
			headers={"Content-Type": "application/json"},
		)

	def post(self, doctype: str, values: dict) -> requests.Response:
		return self.request(
			"POST",
			f"/api/resource/{doctype}",
			data=frappe.as_json(values),
			headers={"Content-Type": "application/json"},
		)


def message(response: requests.Response):
	return response.json().get("message")


class Records:
	"""Records made for the HTTP tests, committed (the server sees them), deleted in reverse order."""

	def __init__(self):
		self.made: list[tuple[str, str]] = []

	def add(self, doc, **kwargs):
		doc = frappe.get_doc(doc) if isinstance(doc, dict) else doc
		if not doc.name or doc.get("__islocal"):
			doc.insert(ignore_permissions=True, **kwargs)
		self.made.append((doc.doctype, doc.name))
		frappe.db.commit()
		return doc

	def track(self, doctype: str, name):
		self.made.append((doctype, name))

	def cleanup(self):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for doctype, name in reversed(self.made):
			if doctype in ("Lifecycle Alert", "CRM Plan", "Customer"):
				field = {"Lifecycle Alert": "name", "CRM Plan": "plan", "Customer": "customer"}[doctype]
				if doctype != "Lifecycle Alert":
					_delete_where(doctype, field, name)
				frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": name})
			with contextlib.suppress(frappe.DoesNotExistError):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
			frappe.db.commit()


def _delete_where(doctype: str, field: str, name: str):
	"""What the site made for a customer or plan: alerts, evaluations, touchpoints, relationship, history."""
	if doctype == "CRM Plan":
		frappe.db.set_value("CRM Plan", name, "last_evaluation", None)
		evaluations = frappe.get_all("CRM Plan Evaluation", {"plan": name}, pluck="name")
		for table in ("CRM Plan Evaluation Goal",):
			frappe.db.delete(table, {"parent": ("in", evaluations or [""])})
		frappe.db.delete("CRM Plan Evaluation", {"plan": name})
		return
	alerts = frappe.get_all("Lifecycle Alert", {"customer": name}, pluck="name")
	if alerts:
		frappe.db.delete("ToDo", {"reference_type": "Lifecycle Alert", "reference_name": ("in", alerts)})
		frappe.db.delete("Lifecycle Alert", {"name": ("in", alerts)})
	for table in ("Customer Touchpoint", "Customer Stage Change", "Customer Segment History"):
		frappe.db.delete(table, {"customer": name})
	frappe.db.delete("Customer Relationship", {"name": name})
