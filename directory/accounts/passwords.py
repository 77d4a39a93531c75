"""Password hashing with Argon2id (memory-hard), through argon2-cffi."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 12
# Hashing cost grows with length: longer input is refused before it reaches Argon2.
MAX_LENGTH = 256


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """Return a random password a person can type (16 url-safe characters)."""
    return secrets.token_urlsafe(12)
