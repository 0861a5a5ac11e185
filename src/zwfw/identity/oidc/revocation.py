"""Revocation list of JWT access tokens (filled in by the OIDC work: see issue 3)."""


def connect() -> None:
    """Hook DOT's access-token deletion; implemented with the provider."""
