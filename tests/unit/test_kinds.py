import pytest

from crm_plus.touchpoints import kinds


@pytest.mark.parametrize(("is_return", "expected"), [(0, "Invoice"), (1, "Credit Note"), (False, "Invoice")])
def test_invoice_type(is_return, expected):
	assert kinds.invoice_type(is_return) == expected


@pytest.mark.parametrize(
	("payment_type", "expected"), [("Receive", "Payment"), ("Pay", "Refund"), ("Internal Transfer", None)]
)
def test_payment_type(payment_type, expected):
	assert kinds.payment_type(payment_type) == expected


def test_settlement_type_by_sign():
	assert kinds.settlement_type(250.0) == "Payment"
	assert kinds.settlement_type(0) == "Payment"
	assert kinds.settlement_type(-1) == "Refund"


def test_manual_touchpoints_may_not_claim_system_types():
	assert kinds.validate_manual("Invoice", None) == "system"
	assert kinds.validate_manual("Invoice", "SINV-0001") is None
	assert kinds.validate_manual("Call", None) is None
	assert kinds.validate_manual("Telepathy", None) == "unknown"


def test_type_sets_are_disjoint_and_cover_the_doctype_options():
	assert not kinds.SYSTEM_TYPES & kinds.MANUAL_TYPES
	assert kinds.NON_CONTACT_TYPES <= kinds.SYSTEM_TYPES
	import json
	from pathlib import Path

	meta = json.loads(
		(
			Path(kinds.__file__).parent / "doctype" / "customer_touchpoint" / "customer_touchpoint.json"
		).read_text()
	)
	options = next(f["options"] for f in meta["fields"] if f["fieldname"] == "touchpoint_type")
	assert set(options.split("\n")) == kinds.ALL_TYPES


def test_payments_in_and_out():
	assert {k: kinds.payment_type(k) for k in kinds.PAYMENT_TYPES} == {"Receive": "Payment", "Pay": "Refund"}
	assert kinds.payment_direction("Receive") == "Inbound"
	assert kinds.payment_direction("Pay") == "Outbound"


def test_base_outstanding_converts_only_foreign_party_accounts():
	sql = kinds.base_outstanding_sql("x")
	assert sql == (
		"x.outstanding_amount * case when x.party_account_currency = x.currency "
		"then x.conversion_rate else 1 end"
	)
