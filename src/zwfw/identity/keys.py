"""Signing keys of the OpenID Connect provider: PEM files in ``settings.OIDC_KEYS_DIR``.

Each file is one RSA key named by its creation time (``20261127T233500Z.pem``). The newest signs;
an older key stays published in the JWKS until every token it signed has expired
(``retire_after`` seconds after its successor appeared), then ``zwfw manage oidc_keys prune``
removes it. Rotation: ``zwfw manage oidc_keys rotate`` writes a new key; workers pick it up when
restarted (settings are read once). A node with no key gets one on first start.

No Django imports at module level: settings.py calls ``load_signing_keys``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

_NAME_FORMAT = "%Y%m%dT%H%M%S%fZ"


def _created(path: Path) -> dt.datetime:
    return dt.datetime.strptime(path.stem, _NAME_FORMAT).replace(tzinfo=dt.UTC)


def _key_files(keys_dir: Path) -> list[Path]:
    found = []
    for path in keys_dir.glob("*.pem"):
        try:
            _created(path)
        except ValueError:
            continue
        found.append(path)
    return sorted(found, key=_created)


def rotate_signing_key(keys_dir: Path, *, now: dt.datetime | None = None) -> Path:
    """Write a new RSA-2048 key; it signs from the next start of each worker."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    moment = now or dt.datetime.now(dt.UTC)
    path = keys_dir / f"{moment.strftime(_NAME_FORMAT)}.pem"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return path


def published_key_files(
    keys_dir: Path, *, retire_after_seconds: int, now: dt.datetime | None = None
) -> list[Path]:
    """The active key last; before it, older keys whose tokens may still be alive."""
    moment = now or dt.datetime.now(dt.UTC)
    files = _key_files(keys_dir)
    kept = []
    for position, path in enumerate(files):
        successor = files[position + 1] if position + 1 < len(files) else None
        if successor is None or (moment - _created(successor)).total_seconds() < retire_after_seconds:
            kept.append(path)
    return kept


def prune_signing_keys(
    keys_dir: Path, *, retire_after_seconds: int, now: dt.datetime | None = None
) -> list[Path]:
    """Delete keys no longer published; returns what was removed."""
    keep = set(published_key_files(keys_dir, retire_after_seconds=retire_after_seconds, now=now))
    removed = [path for path in _key_files(keys_dir) if path not in keep]
    for path in removed:
        path.unlink()
    return removed


def load_signing_keys(keys_dir: Path, *, retire_after_seconds: int) -> tuple[str, list[str]]:
    """(active PEM, inactive PEMs still published); creates the first key when there is none."""
    if not _key_files(keys_dir):
        with contextlib.suppress(FileExistsError):  # another worker made it in the same microsecond
            rotate_signing_key(keys_dir)
    files = published_key_files(keys_dir, retire_after_seconds=retire_after_seconds)
    pems = [path.read_text() for path in files]
    return pems[-1], pems[:-1]


def describe_signing_keys(
    keys_dir: Path, *, retire_after_seconds: int, now: dt.datetime | None = None
) -> list[dict]:
    """Every key file with its ``kid`` (RFC 7638 thumbprint, as in the JWKS) and state:
    ``active`` (signs), ``published`` (still in the JWKS) or ``retired`` (prune removes it)."""
    from jwcrypto import jwk

    published = published_key_files(keys_dir, retire_after_seconds=retire_after_seconds, now=now)
    described = []
    for path in _key_files(keys_dir):
        if path == (published[-1] if published else None):
            state = "active"
        elif path in published:
            state = "published"
        else:
            state = "retired"
        kid = jwk.JWK.from_pem(path.read_bytes()).thumbprint()
        described.append(
            {"file": path.name, "kid": kid, "created": _created(path).isoformat(), "state": state}
        )
    return described
