"""The node's PKI: root CA -> seal CA, for ECDSA P-256 and for SM2; seal certificates; CRLs.

``pki_init`` creates both hierarchies once (``zwfw manage pki_init``). Every seal gets one
certificate per algorithm from the seal CA of that algorithm. The CRL of each seal CA is built on
request from the seals' status events (停用 = certificateHold, 注销 = cessationOfOperation,
RFC 5280 §5.3.1) and served at a stable URL (``/seals/crl/<algorithm>.crl``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from zwfw.core import audit
from zwfw.core.errors import Conflict, NotFound
from zwfw.core.lookups import PreparedRead
from zwfw.seals import x509
from zwfw.seals.keystore import keystore
from zwfw.seals.models import AuthorityKind, CertificateAuthority, KeyAlgorithm, Seal, SealStatus, StoredKey

ROOT_YEARS = 20
SEAL_CA_YEARS = 15
CRL_HOURS = 24
ALGORITHMS = (KeyAlgorithm.ECDSA_P256, KeyAlgorithm.SM2)
# URL names of the algorithms (/seals/crl/ecdsa.crl, /seals/root/sm2.pem).
ALGORITHM_SLUGS = {"ecdsa": KeyAlgorithm.ECDSA_P256, "sm2": KeyAlgorithm.SM2}


class PkiNotInitialised(NotFound):
    def __init__(self) -> None:
        super().__init__("PKI_NOT_INITIALISED", "本节点的电子印章证书体系尚未建立，请先运行 zwfw manage pki_init")


def signer(key: StoredKey):
    """A ``x509.SignFn`` for ``key``: the key store signs; SM2's r‖s becomes DER (GM/T 0009)."""
    store = keystore()
    if key.algorithm == KeyAlgorithm.SM2:

        def sign_sm2(data: bytes) -> bytes:
            raw = store.sign(key, data)
            return encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))

        return sign_sm2
    return lambda data: store.sign(key, data)


def raw_signature(der: bytes) -> bytes:
    """DER ECDSA-Sig-Value / SM2Signature -> r‖s (32 bytes each: P-256 and SM2 both)."""
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def random_serial() -> int:
    # RFC 5280 §4.1.2.2 allows 20 octets; 120 random bits make serials unpredictable and unique.
    return secrets.randbits(120) | (1 << 119)


def _node_name() -> str:
    return f"zwfw {settings.NODE_CODE}"


def _suffix(algorithm: str) -> str:
    return "SM2" if algorithm == KeyAlgorithm.SM2 else "ECC"


def crl_url(algorithm: str) -> str:
    """Where the CRL lives; empty when the node's public base URL is not configured."""
    if not settings.BASE_URL:
        return ""
    slug = next(slug for slug, value in ALGORITHM_SLUGS.items() if value == algorithm)
    return f"{settings.BASE_URL}/seals/crl/{slug}.crl"


@transaction.atomic
def pki_init(*, actor: str = "system:pki_init") -> list[CertificateAuthority]:
    """Create the root and seal CAs of both algorithms; the ones that exist are left as they are."""
    created: list[CertificateAuthority] = []
    now = timezone.now()
    for algorithm in ALGORITHMS:
        if CertificateAuthority.objects.filter(algorithm=algorithm).exists():
            continue
        store = keystore()
        root_key = store.generate(algorithm)
        root_subject = x509.Subject(
            common_name=f"{_node_name()} 电子印章根CA ({_suffix(algorithm)})", organization_name=_node_name()
        )
        root_cert = x509.build_certificate(
            algorithm=algorithm,
            subject=root_subject,
            subject_public_key=store.public_key(root_key),
            serial_number=random_serial(),
            not_before=now - dt.timedelta(minutes=5),
            not_after=now + dt.timedelta(days=365 * ROOT_YEARS),
            issuer=None,
            sign=signer(root_key),
            is_ca=True,
            path_length=1,
        )
        root = CertificateAuthority.objects.create(
            kind=AuthorityKind.ROOT,
            algorithm=algorithm,
            name=root_subject.common_name,
            key=root_key,
            certificate=root_cert.dump(),
            not_before=root_cert.not_valid_before,
            not_after=root_cert.not_valid_after,
        )
        ca_key = store.generate(algorithm)
        ca_subject = x509.Subject(
            common_name=f"{_node_name()} 电子印章CA ({_suffix(algorithm)})", organization_name=_node_name()
        )
        ca_cert = x509.build_certificate(
            algorithm=algorithm,
            subject=ca_subject,
            subject_public_key=store.public_key(ca_key),
            serial_number=random_serial(),
            not_before=now - dt.timedelta(minutes=5),
            not_after=now + dt.timedelta(days=365 * SEAL_CA_YEARS),
            issuer=root_cert,
            sign=signer(root_key),
            is_ca=True,
            path_length=0,
        )
        seal_ca = CertificateAuthority.objects.create(
            kind=AuthorityKind.SEAL_CA,
            algorithm=algorithm,
            name=ca_subject.common_name,
            key=ca_key,
            certificate=ca_cert.dump(),
            issuer=root,
            not_before=ca_cert.not_valid_before,
            not_after=ca_cert.not_valid_after,
        )
        for authority in (root, seal_ca):
            audit.record(
                actor=actor,
                action="seals.authority.create",
                object_type="seals.CertificateAuthority",
                object_id=authority.pk,
                after={"name": authority.name, "algorithm": algorithm, "kind": authority.kind},
            )
        created += [root, seal_ca]
    return created


def authority(kind: str, algorithm: str) -> CertificateAuthority:
    found = CertificateAuthority.objects.select_related("key").filter(kind=kind, algorithm=algorithm).first()
    if found is None:
        raise PkiNotInitialised()
    return found


def root_certificate(algorithm: str) -> asn1_x509.Certificate:
    return x509.load(authority(AuthorityKind.ROOT, algorithm).certificate)


def seal_ca_certificate(algorithm: str) -> asn1_x509.Certificate:
    return x509.load(seal_ca_der(algorithm))


# every data signature carries the seal CA's certificate (JWS x5c): read by a statement compiled once
_SEAL_CA_DER = PreparedRead(
    lambda algorithm: CertificateAuthority.objects.filter(kind=AuthorityKind.SEAL_CA, algorithm=algorithm)
    .order_by("pk")
    .values_list("certificate")[:1]
)


def seal_ca_der(algorithm: str) -> bytes:
    """The seal CA's certificate as stored (DER), the one ``authority`` gives."""
    found = _SEAL_CA_DER.rows(algorithm)
    if not found:
        raise PkiNotInitialised()
    return bytes(found[0][0])


def root_pem(algorithm: str) -> str:
    return x509.to_pem(root_certificate(algorithm))


@dataclass(frozen=True)
class IssuedCertificate:
    certificate: asn1_x509.Certificate
    serial: str  # hex, as verifiers print it


def issue_seal_certificate(
    *,
    algorithm: str,
    key: StoredKey,
    seal_name: str,
    seal_code: str,
    department_name: str,
    department_code: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> IssuedCertificate:
    """A seal's certificate from the seal CA; its validity never outlasts the CA's."""
    ca = authority(AuthorityKind.SEAL_CA, algorithm)
    if not_after > ca.not_after:
        raise Conflict("SEAL_VALIDITY_BEYOND_CA", "印章有效期不能超过印章CA证书的有效期")
    serial = random_serial()
    certificate = x509.build_certificate(
        algorithm=algorithm,
        subject=x509.Subject(
            common_name=seal_name,
            organization_name=department_name,
            organizational_unit_name=department_code,
            serial_number=seal_code,
        ),
        subject_public_key=keystore().public_key(key),
        serial_number=serial,
        not_before=not_before,
        not_after=not_after,
        issuer=x509.load(ca.certificate),
        sign=signer(ca.key),
        is_ca=False,
        crl_url=crl_url(algorithm),
    )
    return IssuedCertificate(certificate=certificate, serial=format(serial, "x"))


# --- revocation ----------------------------------------------------------------------------------

_CRL_REASONS: dict[str, str] = {SealStatus.SUSPENDED: "certificate_hold", SealStatus.CANCELLED: "cessation_of_operation"}


def _crl_version() -> int:
    from zwfw.seals.models import SealStatusEvent

    return SealStatusEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def crl_der(algorithm: str) -> bytes:
    """The seal CA's current CRL (DER). Rebuilt when a seal's status changed, else once a day."""
    version = _crl_version()
    ca = authority(AuthorityKind.SEAL_CA, algorithm)
    # keyed by the CA too: a CA made again (or another node sharing the cache) never gets this one's CRL
    cache_key = f"seals:crl:{algorithm}:{ca.pk}:{ca.key.key_id}:{version}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached
    serial_field = "sm2_serial" if algorithm == KeyAlgorithm.SM2 else "ecdsa_serial"
    revoked = []
    for seal in Seal.objects.exclude(status=SealStatus.ACTIVE).prefetch_related("status_events"):
        latest = max(seal.status_events.all(), key=lambda event: (event.effective_at, event.id))
        revoked.append(
            x509.RevokedEntry(
                serial_number=int(getattr(seal, serial_field), 16),
                revoked_at=latest.effective_at,
                reason=_CRL_REASONS[seal.status],
            )
        )
    now = timezone.now()
    built = x509.build_crl(
        algorithm=algorithm,
        issuer=x509.load(ca.certificate),
        number=version + 1,
        this_update=now,
        next_update=now + dt.timedelta(hours=CRL_HOURS),
        revoked=revoked,
        sign=signer(ca.key),
    ).dump()
    cache.set(cache_key, built, timeout=CRL_HOURS * 3600 - 600)
    return built


