"""Secrets at rest: values sealed with a key kept outside the database (the data dir or env).

A copy of the database alone does not reveal people's authenticator secrets.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet

from plateward.core.settings import Settings


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(b"plateward-seal/1:" + settings.signing_key).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(settings: Settings, plaintext: str) -> str:
    return _fernet(settings).encrypt(plaintext.encode()).decode()


def unseal(settings: Settings, sealed: str) -> str:
    return _fernet(settings).decrypt(sealed.encode()).decode()
