"""Ed25519 keys for checkpoints, from the `cryptography` package.

A signing key is written `ed25519-secret:<64 hex digits>` (its 32-byte seed), a public key
`ed25519:<64 hex digits>`; a key is named by its key id, the first 16 hex digits of the
SHA-256 of its public key. Checking needs the public key only, and no database.
"""

from __future__ import annotations

import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from purldesk.domain.errors import InvalidInput

SECRET_PREFIX = "ed25519-secret:"
PUBLIC_PREFIX = "ed25519:"
_HEX_KEY = re.compile(r"[0-9a-f]{64}")


def _raw(text: str, prefix: str, field: str, what: str) -> bytes:
    body = text.strip().removeprefix(prefix)
    if not text.strip().startswith(prefix) or not _HEX_KEY.fullmatch(body):
        raise InvalidInput(field, f"is not {what} ({prefix} and 64 lowercase hex digits)")
    return bytes.fromhex(body)


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


class PublicKey:
    """Checks signatures made with one Ed25519 key."""

    def __init__(self, text: str, *, field: str = "key") -> None:
        raw = _raw(text, PUBLIC_PREFIX, field, "an Ed25519 public key")
        self._key = Ed25519PublicKey.from_public_bytes(raw)
        self.key_id = key_id(raw)
        self.text = PUBLIC_PREFIX + raw.hex()

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class SigningKey:
    """Signs checkpoints; satisfies the services' Signer port."""

    def __init__(self, text: str, *, field: str = "PURLDESK_LEDGER__SIGNING_KEY") -> None:
        seed = _raw(text, SECRET_PREFIX, field, "an Ed25519 signing key")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        raw = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = PublicKey(PUBLIC_PREFIX + raw.hex())

    @property
    def key_id(self) -> str:
        return self.public.key_id

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def verify(self, message: bytes, signature: bytes) -> bool:
        return self.public.verify(message, signature)


def generate() -> str:
    """A new signing key, as PURLDESK_LEDGER__SIGNING_KEY takes it."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    seed = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return SECRET_PREFIX + seed.hex()
