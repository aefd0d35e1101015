"""The v15 side of the upgrade path (issue 24): a throwaway site with crm_plus data, every crm_plus patch run
on it, then its backup and a manifest of what the v16 side must find (``test_v16_restore.py``).

Runs when ``CRM_PLUS_UPGRADE_PRODUCE`` names the directory to write ``database.sql.gz`` and
``manifest.json`` to (``.ci/run`` sets it for the v15 bench); the bench is ``CRM_PLUS_BENCH``. The site is
made, filled and dropped here: ``bench new-site --install-app erpnext`` and ERPNext's setup wizard (or that
same site saved by an earlier run, in ``CRM_PLUS_UPGRADE_CACHE``), ``install-app crm_plus``,
``crm-plus demo``, the records the demo does not make (``site.py extras``), every crm_plus patch run by
``migrate`` (their Patch Log rows taken away first: patches must keep every record and figure), ``bench
backup``. The backup leaves crm_plus's patches out of the Patch Log again, so the v16 migrate runs every one
of them too. A backup made today from the same code and versions is reused (``CRM_PLUS_UPGRADE_REBUILD=1``
makes it again).
"""

import datetime
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.upgrade import manifest
from tests.upgrade.bench import Bench, report, source_key

PRODUCE = os.environ.get("CRM_PLUS_UPGRADE_PRODUCE")
BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = "upgrade15.test"
BACKUP, MANIFEST = "database.sql.gz", "manifest.json"
# a new ERPNext site (new-site and the setup wizard: 6 of the 12 minutes on the development machine) is saved
# here once per version of Frappe and ERPNext, and restored instead of made again; crm_plus is installed
# into it afresh every run. BASE_FORMAT changes when what makes that site changes (``site.py setup``).
CACHE = Path(os.environ.get("CRM_PLUS_UPGRADE_CACHE", "~/.cache/crm_plus-upgrade")).expanduser()
BASE_FORMAT = 1


@pytest.mark.skipif(
	not PRODUCE,
	reason="v15 backup not made: CRM_PLUS_UPGRADE_PRODUCE (where to write it) is not set",
)
def test_a_v15_site_with_crm_plus_data_keeps_it_through_every_patch_and_is_backed_up(tmp_path):
	bench = Bench(BENCH)
	if not Path(bench.python).exists():
		pytest.skip(f"no bench at {BENCH}")
	out = Path(PRODUCE)
	out.mkdir(parents=True, exist_ok=True)
	versions = bench.versions()
	key = source_key(versions, str(datetime.date.today()))
	if _reusable(out, key):
		made = json.loads((out / MANIFEST).read_text())
		pytest.skip(
			f"reused the v15 backup made at {made['produced_at']} from the same code, versions and day "
			f"({manifest.summary(made)}); CRM_PLUS_UPGRADE_REBUILD=1 makes it again"
		)
	for name in (MANIFEST, BACKUP):  # never a manifest beside a backup it does not describe
		(out / name).unlink(missing_ok=True)

	before, after = tmp_path / "before.json", tmp_path / "after.json"
	root = bench.root_args()
	try:
		bench.drop_site(SITE, step="drop a leftover site")
		base = _base(versions)
		if base.exists():
			bench.frappe(
				"new-site",
				SITE,
				"--source_sql",
				str(base),
				*root,
				"--admin-password",
				"admin",
				step="new-site from the saved ERPNext site",
			)
		else:
			bench.frappe(
				"new-site",
				SITE,
				*root,
				"--admin-password",
				"admin",
				"--install-app",
				"erpnext",
				step="new-site",
			)
			bench.site_script(SITE, "setup", step="setup wizard")
			_save_base(bench, base, tmp_path / "base")
		bench.frappe("--site", SITE, "install-app", "crm_plus", step="install-app crm_plus")
		bench.frappe("--site", SITE, "crm-plus", "demo", step="crm-plus demo")
		bench.site_script(SITE, "extras", step="extras")
		bench.site_script(SITE, "manifest", "--out", str(before), step="manifests")
		patches = bench.site_script(SITE, "forget-patches")
		bench.frappe("--site", SITE, "migrate", step="migrate (every crm_plus patch)")
		ran = bench.site_script(SITE, "patches")
		bench.site_script(SITE, "manifest", "--out", str(after), step="manifests")
		bench.site_script(SITE, "forget-patches")
		backups = tmp_path / "backup"
		bench.frappe("--site", SITE, "backup", "--backup-path", str(backups), step="backup")
		(database,) = backups.glob("*-database.sql.gz")
		shutil.copyfile(database, out / BACKUP)
	finally:
		bench.drop_site_after(SITE)

	expected, found = json.loads(before.read_text()), json.loads(after.read_text())
	found.update(
		key=key,
		produced_at=datetime.datetime.now().isoformat(timespec="seconds"),
		timings_v15=bench.timings,
		patches_to_run=patches,
	)
	(out / MANIFEST).write_text(json.dumps(found, indent=1, sort_keys=True))
	size = (out / BACKUP).stat().st_size
	empty = sorted(doctype for doctype, entry in found["doctypes"].items() if not entry["count"])
	report(
		f"v15 ({versions['frappe']} / {versions['erpnext']}): {manifest.summary(found)}; "
		f"backup {size / 1e6:.1f} MB in {out}",
		f"crm_plus doctypes without a record to compare (make one in site.py extras): {', '.join(empty) or 'none'}",
		"v15 steps: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in bench.timings.items()),
	)
	assert ran == patches, f"migrate on v15 ran {ran} of crm_plus's patches {patches}"
	changed = manifest.differences(expected, found)
	assert not changed, "crm_plus's patches changed records on v15:\n" + "\n".join(changed)


def _base(versions: dict) -> Path:
	"""Where the saved ERPNext site (new-site, setup wizard, nothing of crm_plus) of these versions is."""
	key = hashlib.sha256(json.dumps({"versions": versions, "format": BASE_FORMAT}, sort_keys=True).encode())
	return CACHE / f"erpnext-{versions['erpnext']}-{key.hexdigest()[:12]}.sql.gz"


def _save_base(bench: Bench, base: Path, folder: Path) -> None:
	"""Keep the new ERPNext site for the next run (only these versions': older ones are removed)."""
	bench.frappe("--site", SITE, "backup", "--backup-path", str(folder), step="save the ERPNext site")
	(database,) = folder.glob("*-database.sql.gz")
	CACHE.mkdir(parents=True, exist_ok=True)
	for old in CACHE.glob("erpnext-*.sql.gz"):
		old.unlink()
	partial = base.with_suffix(".partial")
	shutil.copyfile(database, partial)
	partial.rename(base)


def _reusable(out: Path, key: str) -> bool:
	if os.environ.get("CRM_PLUS_UPGRADE_REBUILD") == "1":
		return False
	try:
		made = json.loads((out / MANIFEST).read_text())
	except (OSError, ValueError):
		return False
	return made.get("key") == key and (out / BACKUP).exists()
