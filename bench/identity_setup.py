"""Accounts and an OpenID Connect client for the identity benchmarks (run by bench/run.py).

Creates BENCH_USERS citizens with known passwords, a confidential client, and each citizen's
consent for it (so the authorize step of the code flow needs no screen). Prints JSON.
Idempotent: a second run reuses what exists.
"""

from __future__ import annotations

import io
import json
import os
import sys

BENCH_USERS = 24
PASSWORD = "bench-correct-horse-battery"
REDIRECT_URI = "https://rp.bench.example/callback"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwfw.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from oauth2_provider.models import Application

    from zwfw.core.codes import resident_id_check_char
    from zwfw.identity.indexes import document_index, mobile_index
    from zwfw.identity.models import AssuranceLevel, Consent, DocumentType, Person

    users = []
    for n in range(BENCH_USERS):
        first17 = f"330106198805{(n % 28) + 1:02d}{(n * 2 + 1) % 1000:03d}"
        number = first17 + resident_id_check_char(first17)
        mobile = f"1390001{n:04d}"
        person = Person.objects.filter(
            document_index=document_index(DocumentType.RESIDENT_ID, number)
        ).first()
        if person is None:
            user = get_user_model()(username=f"bench{n}")
            user.set_password(PASSWORD)
            user.save()
            person = Person.objects.create(
                user=user,
                document_type=DocumentType.RESIDENT_ID,
                document_number=number,
                document_index=document_index(DocumentType.RESIDENT_ID, number),
                name=f"压测用户{n}",
                mobile=mobile,
                mobile_index=mobile_index(mobile),
                assurance_level=AssuranceLevel.REGISTRY_MATCHED,
            )
        users.append({"identifier": mobile, "password": PASSWORD, "user_id": person.user_id})

    state_file = os.path.join(os.environ["ZWFW_DATA_DIR"], "bench-client.json")
    if os.path.exists(state_file):
        with open(state_file, encoding="utf-8") as fh:
            client = json.load(fh)
    else:
        out = io.StringIO()
        call_command(
            "oidc_client", "create", "--name", "压测应用", "--redirect-uri", REDIRECT_URI, stdout=out
        )
        client = json.loads(out.getvalue())
        with open(state_file, "w", encoding="utf-8") as fh:
            json.dump(client, fh)
    application = Application.objects.get(client_id=client["client_id"])
    for user in users:
        Consent.objects.get_or_create(
            user_id=user["user_id"],
            application=application,
            revoked_at=None,
            defaults={"scopes": ["openid", "profile"], "granted_at": timezone.now()},
        )
    json.dump(
        {
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
            "redirect_uri": REDIRECT_URI,
            "users": users,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
