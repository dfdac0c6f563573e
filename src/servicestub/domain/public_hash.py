"""The ``publicHash`` of a service order: its encrypted, URL-safe reference.

The reference ``tenantId/storeId/serviceOrderUid`` is sealed with AES-SIV, a
deterministic authenticated cipher: the same order always gets the same hash
(stable answers, links that survive restarts with the same secret), any change
to the hash fails authentication, and nothing of the uid shows through.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"servicestub public service order hash v1"


class PublicHasher:
    """Seals and opens order references with one key."""

    def __init__(self, key: bytes) -> None:
        self._cipher = AESSIV(key)

    @classmethod
    def from_secret(cls, secret: str | None, seed: int) -> PublicHasher:
        """Key from ``secret``, or from the seed when no secret is configured."""
        material = secret.encode() if secret else f"servicestub-seed:{seed}".encode()
        key = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=_INFO).derive(material)
        return cls(key)

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
