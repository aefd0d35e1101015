"""What the site needs for an action to do anything, and how to say so: an outgoing e-mail account for
e-mails (surveys, rule e-mails), a background worker for jobs (backfill, large rule runs).

An action that can do nothing asks here *before* it writes anything, and answers with the reason and a
*fix*: a dict the desk turns into a link (``{"label": ..., "route": [...]}``) and any other caller reads
as text (``label``). Nothing here writes.
"""

import frappe
from frappe import _
from frappe.utils import cint


def fix(label: str, route: list | None = None, **extra) -> dict:
	"""A way to put something right: a label, and where the desk opens it (a route for ``set_route``)."""
	return {"label": label, "route": route, **extra}


# -- e-mail ---------------------------------------------------------------------------------------------


def can_queue_email() -> bool:
	"""Whether ``frappe.sendmail`` can queue an e-mail here: an enabled default outgoing Email Account, a
	mail server in the site's configuration, or e-mails muted in it (then Frappe queues and keeps them).
	Frappe refuses to queue otherwise (``OutgoingEmailError``)."""
	if frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}):
		return True
	return bool(frappe.conf.get("mail_server") or cint(frappe.conf.get("mute_emails")))


def no_outgoing_email() -> dict:
	"""The reason and the fix when no e-mail can be queued."""
	return {
		"reason": _("No outgoing e-mail account is set up on this site, so no e-mail can be queued."),
		"fix": outgoing_email_fix(),
	}


def outgoing_email_fix() -> dict:
	if frappe.has_permission("Email Account", "create"):
		return fix(
			_("Set up an outgoing e-mail account"),
			["Form", "Email Account", "new"],
			values={"enable_outgoing": 1, "default_outgoing": 1},
		)
	return fix(_("Ask your System Manager to set up an outgoing e-mail account"))


def email_held() -> str | None:
	"""Why queued e-mails are not going out now, when they are not: sending suspended in the Email Queue
	list, or e-mails muted in the site's configuration. They stay queued (and their links work)."""
	if cint(frappe.db.get_default("suspend_email_queue")):
		return _(
			"Sending is suspended on this site: the e-mail stays in the Email Queue until someone presses "
			"{0} there."
		).format(_("Resume Sending"))
	if cint(frappe.conf.get("mute_emails")):
		return _("E-mails are muted on this site (mute_emails): the e-mail stays in the Email Queue.")
	return None


# -- background jobs ------------------------------------------------------------------------------------


def workers(queue: str) -> int | None:
	"""How many background workers listen on ``queue`` (None when it cannot be told: Redis unreachable)."""
	from frappe.utils.background_jobs import get_queue, get_workers

	try:
		return len(get_workers(get_queue(queue)))
	except Exception:
		return None


def job_running(job_id: str) -> bool:
	from frappe.utils.background_jobs import is_job_enqueued

	try:
		return is_job_enqueued(job_id)
	except Exception:
		return False


def no_worker(command: str) -> dict:
	"""The reason and the fix when no background worker would run a queued job (``command``: the bench
	command that does the same work in the foreground)."""
	return {
		"reason": _(
			"No background worker is running on this bench: the job waits in the queue until one starts."
		),
		"fix": fix(
			_("Start the bench's workers (bench start, or its supervisor service), or run: {0}").format(
				command
			)
		),
	}
