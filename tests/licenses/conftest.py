"""Licence tests reuse the seal fixtures: a PKI, a department with staff and an active seal."""

from tests.seals.conftest import (  # noqa: F401  (fixtures)
    _fresh_trust_anchors,
    department,
    node_pki,
    other_department,
    other_seal,
    people,
    seal,
)
