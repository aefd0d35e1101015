"""Survey link tokens: random, shown once in the e-mail, stored only as a hash (no ``frappe`` import).

A leaked database therefore holds no usable link; single use and expiry are enforced where the token is
redeemed (a conditional UPDATE on the Feedback Invitation, see ``invitations.claim``).
"""

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
	return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str | None) -> str | None:
	"""The stored form of a token; None for anything that cannot be a token of ours."""
	if not token or not isinstance(token, str) or len(token) > 128:
		return None
	return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
	return hmac.compare_digest(a, b)
