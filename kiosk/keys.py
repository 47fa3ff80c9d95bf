"""One key per purpose, derived from the application's secret key with HKDF (RFC 5869).

CSRF tokens, the keyed hash of appointment codes, the keyed hash that names a typed last name
in the lookup throttle and the tokens of shared phone links each get their own 256-bit key, so
no purpose's key can be used for another's, and each can be rotated alone: bump its number in
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
PURPOSES = frozenset({"csrf", "appointment_code", "lookup_identity", "phone_link"})


def purpose_key(app: Flask, purpose: str) -> bytes:
    """The key for `purpose`: HKDF-SHA256 of `SECRET_KEY`, with the purpose and its version
    (`KEY_VERSIONS`, 1 unless configured) as the context."""
    if purpose not in PURPOSES:
        raise ValueError(f"no key purpose named {purpose!r}")
    version = int(app.config["KEY_VERSIONS"].get(purpose, 1))
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
