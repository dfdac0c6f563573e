"""The ``publicHash`` of a service order: its encrypted, URL-safe reference.

The reference ``tenantId/storeId/serviceOrderUid`` is sealed with AES-SIV, a
deterministic authenticated cipher: the same order always gets the same hash
(stable answers, links that survive restarts with the same secret), any change
to the hash fails authentication, and nothing of the uid shows through.

The key decides what a link is worth. Given a secret (``--secret``), it is
derived from the secret alone with scrypt (memory-hard, so a guessable secret
is still slow to guess), under its own label: without the secret nobody can
seal or open a link, whatever they know of the seed. Without a secret it is
derived from the seed with HKDF, so runs are byte-identical — and since the
seed is public (``/_mock/health``) and the uids of created orders follow from
it, anyone can then compute any order's link: not a security boundary.
"""

from __future__ import annotations

import base64
import binascii
import functools

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

_INFO = b"servicestub public service order hash v1"
#: The scrypt salt of secret keys: fixed (links must survive restarts), and a
#: label of its own so that no secret gives the key of a seed.
_SECRET_SALT = b"servicestub public service order hash, secret key v2"


class PublicHasher:
    """Seals and opens order references with one key."""

    def __init__(self, key: bytes) -> None:
        self._cipher = AESSIV(key)

    @classmethod
    def from_secret(cls, secret: str | None, seed: int) -> PublicHasher:
        """Key from ``secret``, or from the seed when no secret is configured
        (an empty secret is none)."""
        return cls(_secret_key(secret) if secret else _seed_key(seed))

    def seal(self, tenant_id: str, store_id: str, order_uid: str) -> str:
        """The public hash of an order."""
        plain = "\x00".join((tenant_id, store_id, order_uid)).encode()
        sealed = self._cipher.encrypt(plain, None)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def open(self, public_hash: str, tenant_id: str, store_id: str) -> str | None:
        """The order uid behind ``public_hash`` if it is genuine and belongs to
        this tenant and store; ``None`` otherwise."""
        try:
            padded = public_hash + "=" * (-len(public_hash) % 4)
            sealed = base64.urlsafe_b64decode(padded.encode("ascii"))
            if base64.urlsafe_b64encode(sealed).rstrip(b"=").decode() != public_hash:
                return None  # not the canonical spelling: unused trailing bits were changed
            parts = self._cipher.decrypt(sealed, None).decode().split("\x00")
        except (InvalidTag, ValueError, binascii.Error, UnicodeError):
            return None
        if len(parts) != 3 or parts[0] != tenant_id or parts[1] != store_id:
            return None
        return parts[2]


@functools.lru_cache(maxsize=8)
def _secret_key(secret: str) -> bytes:
    """scrypt (2^14, 8, 1): 50 ms once per secret and process (resets reuse it)."""
    return Scrypt(salt=_SECRET_SALT, length=64, n=1 << 14, r=8, p=1).derive(secret.encode())


def _seed_key(seed: int) -> bytes:
    material = f"servicestub-seed:{seed}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=_INFO).derive(material)
