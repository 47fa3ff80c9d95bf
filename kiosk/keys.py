"""One key per purpose, derived from the application's secret key with HKDF (RFC 5869).

CSRF tokens, the keyed hash of appointment codes, the keyed hash that names a typed last name
in the lookup throttle, the tokens of shared phone links, the encryption of staff TOTP secrets,
the keyed hash of typed staff emails in the sign-in throttle and the audit log's hash chain each
get their own 256-bit key, so no purpose's key can be used for another's, and each can be
rotated alone: bump its number in
`KEY_VERSIONS` (for example `LOBBY_KEY_VERSIONS='{"csrf": 2}'`) and only that purpose gets a
new key. Changing `SECRET_KEY` itself rotates them all. README "Key rotation" says what each
rotation costs.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask

KEY_BYTES = 32
# Every purpose a key is derived for; a typo in a caller is an error, not a new key.
PURPOSES = frozenset(
    {
        "csrf",
        "appointment_code",
        "lookup_identity",
        "phone_link",
        "staff_totp",
        "staff_signin",
        "audit_chain",
    }
)


def key_version(app: Flask, purpose: str) -> int:
    """The current version of `purpose`'s key (`KEY_VERSIONS`, 1 unless configured)."""
    return int(app.config["KEY_VERSIONS"].get(purpose, 1))


def purpose_key(app: Flask, purpose: str, version: int | None = None) -> bytes:
    """The key for `purpose`: HKDF-SHA256 of `SECRET_KEY`, with the purpose and its version
    (the current one unless given: data sealed under an older key must stay readable) as the
    context."""
    if purpose not in PURPOSES:
        raise ValueError(f"no key purpose named {purpose!r}")
    version = key_version(app, purpose) if version is None else version
    derivation = HKDF(
        algorithm=SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=f"lobby {purpose} key v{version}".encode(),
    )
    return derivation.derive(str(app.config["SECRET_KEY"]).encode())


def init_app(app: Flask) -> None:
    """Sign CSRF tokens with the CSRF key rather than the secret key itself."""
    app.config["WTF_CSRF_SECRET_KEY"] = purpose_key(app, "csrf")
