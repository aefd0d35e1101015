"""The v16 side of the upgrade path (issue 24): the v15 backup made by ``test_v15_backup.py``, restored into
a throwaway site of this bench and migrated, keeps every crm_plus record and the same relationship figures.

Runs when ``CRM_PLUS_UPGRADE_FROM`` names the directory holding ``database.sql.gz`` and ``manifest.json``
(as this bench sees it: ``.ci/run`` sets it for the v16 bench); the bench is ``CRM_PLUS_BENCH``. Steps:
``bench new-site --source-sql`` (what ``bench restore`` does; v16's ``restore`` wants an existing site),
``bench migrate``, which must succeed and run every crm_plus patch (the backup's Patch Log has none of
them), then ``site.py`` reads the site: every record of every crm_plus doctype with the same values, no
link of theirs broken, crm_plus's indexes and unique keys there, sequences that continue after the names in
use, and every relationship's figures recomputed on this line as of the backup's day equal to v15's. The
site is dropped at the end, whatever happened.
"""

import json
import os
from pathlib import Path

import pytest

from tests.upgrade import manifest
from tests.upgrade.bench import CHECKOUT, Bench, report

SOURCE = os.environ.get("CRM_PLUS_UPGRADE_FROM")
BENCH = Path(os.environ.get("CRM_PLUS_BENCH", "~/frappe-bench")).expanduser()
SITE = "upgrade16.test"
BACKUP, MANIFEST = "database.sql.gz", "manifest.json"


def _why_not() -> str | None:
	if not SOURCE:
		return "v15 backup not restored: CRM_PLUS_UPGRADE_FROM (where it is) is not set"
	missing = [name for name in (MANIFEST, BACKUP) if not (Path(SOURCE) / name).exists()]
	if missing:
		return f"v15 backup not restored: no {' or '.join(missing)} in {SOURCE} (the v15 run makes them)"
	return None


@pytest.mark.skipif(bool(_why_not()), reason=_why_not() or "")
def test_a_v15_backup_restored_and_migrated_keeps_every_record_and_figure(tmp_path):
	bench = Bench(BENCH)
	source = Path(SOURCE)
	expected = json.loads((source / MANIFEST).read_text())
	versions = bench.versions()
	actual_path, figures_path = tmp_path / "manifest.json", tmp_path / "figures.json"
	try:
		bench.drop_site(SITE, step="drop a leftover site")
		bench.frappe(
			"new-site",
			SITE,
			"--source-sql",
			str(source / BACKUP),
			*bench.root_args(),
			"--admin-password",
			"admin",
			step="restore",
		)
		bench.frappe("--site", SITE, "migrate", step="migrate")
		ran = bench.site_script(SITE, "patches")
		bench.site_script(SITE, "manifest", "--out", str(actual_path), step="read back")
		bench.site_script(
			SITE, "figures", "--as-of", expected["date"], "--out", str(figures_path), step="figures"
		)
	finally:
		bench.drop_site_after(SITE)

	actual = json.loads(actual_path.read_text())
	recomputed = json.loads(figures_path.read_text())
	v15 = expected["versions"]
	report(
		f"v16 ({versions['frappe']} / {versions['erpnext']}) from v15 ({v15['frappe']} / {v15['erpnext']}): "
		f"compared {manifest.summary(expected)}; found {manifest.summary(actual)}",
		"v16 steps: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in bench.timings.items()),
	)
	patches = app_patches()
	assert ran == patches, f"migrate on v16 ran {ran} of crm_plus's patches {patches}"
	problems = (
		manifest.differences(expected, actual)
		+ [
			f"recomputed on v16: {line}"
			for line in manifest.figure_differences(expected["figures"], recomputed)
		]
		+ manifest.sequence_problems(actual["sequences"])
	)
	assert not problems, "the upgrade did not keep everything:\n" + "\n".join(problems)


def app_patches() -> list[str]:
	"""crm_plus's patches, in the order of ``patches.txt``."""
	lines = (CHECKOUT / "crm_plus" / "patches.txt").read_text().splitlines()
	return [line.strip() for line in lines if line.strip() and not line.strip().startswith(("#", "["))]
