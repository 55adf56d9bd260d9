"""Passwords (argon2), tokens (random, stored as sha256 where the clear text need not be shown
again) and CSRF tokens (HMAC of the session or the school's token with the data folder's key)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
MIN_PASSWORD = 8


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, in Chinese; None when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少需要 {MIN_PASSWORD} 个字符。"
    return None


def csrf_token(key: bytes, subject: str) -> str:
    return hmac.new(key, f"csrf:{subject}".encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, subject: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(key, subject), given)
