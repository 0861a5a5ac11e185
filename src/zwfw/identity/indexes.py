"""Blind indexes of identity's encrypted columns (zwfw.core.crypto): one definition, used everywhere."""

from __future__ import annotations

from zwfw.core.crypto import blind_index


def document_index(document_type: str, number: str) -> str:
    """Index of a document number: type and number, upper-cased, surrounding space removed."""
    return blind_index(f"{document_type}:{number.strip().upper()}", purpose="document")


def mobile_index(mobile: str) -> str:
    """Index of an already normalised 11-digit mobile number."""
    return blind_index(mobile, purpose="mobile")
