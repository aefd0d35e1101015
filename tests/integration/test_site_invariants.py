"""Site-wide: every submitted or cancelled Sales Invoice and customer Payment Entry made since crm_plus was
installed has exactly one touchpoint in the matching status. ``test_erpnext_suites.py`` checks the same
after every one of ERPNext's own Sales Invoice and Payment Entry tests, before its data is rolled back."""

import pytest

from tests.integration.invariants import CHECKS, violations


@pytest.mark.parametrize(("doctype", "types", "extra"), CHECKS, ids=[c[0] for c in CHECKS])
def test_every_document_has_exactly_one_touchpoint_in_its_status(doctype, types, extra):
	assert violations(doctype, types, extra) == []
