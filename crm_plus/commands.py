"""`bench --site SITE crm-plus ...` commands."""

import logging

import click
from frappe.commands import get_site, pass_context


@click.group("crm-plus")
def crm_plus():
	"""crm_plus: touchpoints, backfill and reconciliation."""


@crm_plus.command("backfill")
@click.option("--chunk", default=20000, show_default=True, help="Source documents per INSERT ... SELECT")
@click.option("--restart", is_flag=True, help="Ignore the saved position of an interrupted run")
@pass_context
def backfill(context, chunk, restart):
	"""Record touchpoints for all existing ERPNext history (idempotent, resumable)."""
	import frappe

	from crm_plus.touchpoints.backfill import backfill as run
	from crm_plus.touchpoints.backfill import outcome

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		bars = {}

		def progress(step, done, total):
			bar = bars.get(step)
			if bar is None:
				bar = bars[step] = click.progressbar(length=max(total, 1), label=step.ljust(24))
				bar.__enter__()
			bar.update(done - bar.pos)
			if done >= total:
				bar.__exit__(None, None, None)

		written = run(chunk=chunk, progress=progress, restart=restart)
		for bar in bars.values():
			bar.render_finish()
		frappe.db.commit()
		for doctype, count in written.items():
			click.echo(f"{doctype}: {count} touchpoints written")
		click.echo(outcome(written))  # and when it wrote nothing, why
	finally:
		frappe.destroy()


@crm_plus.command("reconcile")
@pass_context
def reconcile(context):
	"""Heal touchpoints (missing, cancelled, changed, overdue) and refresh every relationship."""
	import frappe

	from crm_plus.touchpoints.reconcile import reconcile as run

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		counts = run()
		frappe.db.commit()
		click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
	finally:
		frappe.destroy()


@crm_plus.command("demo")
@click.option("--remove", "remove_demo", is_flag=True, help="Take the demo away, leaving no trace")
@click.option("--force", is_flag=True, help="Build the demo even on a site that holds real customers")
@pass_context
def demo(context, remove_demo, force):
	"""Build a small demo company with customers in every lifecycle stage, run the engines once and
	print what happened (idempotent); --remove takes all of it away. On a new site whose setup wizard has
	not been completed, the demo completes it first (the values are printed)."""
	import frappe

	from crm_plus.demo import build, remove

	_quiet_css_parser()
	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		if remove_demo:
			with click.progressbar(length=1, label="Removing the demo".ljust(24)) as bar:

				def progress(done, total):
					bar.length = max(total, 1)
					bar.update(done - bar.pos)

				removed = remove.remove(progress=progress)
			click.echo(f"Removed {removed} demo records." if removed else "No demo on this site.")
			return
		if not frappe.is_setup_complete():
			click.echo(build.setup_wizard_note())
		with click.progressbar(build.STEPS, label="Building the demo".ljust(24)) as bar:
			summary = build.build(progress=lambda step: bar.update(1), force=force)
		click.echo(build.describe(summary))
	except frappe.ValidationError as e:
		raise click.ClickException(frappe.utils.strip_html(str(e))) from e
	finally:
		frappe.destroy()


def _quiet_css_parser():
	"""Frappe inlines the CSS of every e-mail it queues (the demo's survey e-mails); the CSS parser it uses
	logs each rule it does not know as an ERROR on the terminal, which says nothing to the person running
	the command. It sets its own level when first imported, hence the import."""
	try:
		import cssutils
	except ImportError:
		return
	cssutils.log.setLevel(logging.CRITICAL)


commands = [crm_plus]
