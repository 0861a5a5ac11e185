"""Factories of people, enterprises, registry records and staff with valid check characters."""

from __future__ import annotations

import datetime as dt
import functools

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from tests.catalog.factories import DepartmentFactory, credit_code
from zwfw.core.codes import resident_id_check_char
from zwfw.identity import models
from zwfw.identity.indexes import document_index, mobile_index

PASSWORD = "correct horse battery staple"


def resident_id(
    n: int, *, born: dt.date = dt.date(1990, 1, 1), region: str = "330106", male: bool = True
) -> str:
    """A valid 18-character GB 11643 number; ``n`` makes it unique among people born the same day."""
    sequence = (n % 499) * 2 + (1 if male else 2)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def mobile(n: int) -> str:
    return f"139{n % 100000000:08d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        raw = extracted or PASSWORD
        # What set_password does, with the real hasher's encoding of ``raw`` made once per process
        # and hasher configuration: an Argon2id hash costs ~25 ms and the suite makes thousands of users.
        obj.password = _encoded_password(tuple(settings.PASSWORD_HASHERS), raw)
        obj._password = raw
        if create:
            obj.save()


@functools.cache
def _encoded_password(hashers: tuple[str, ...], raw: str) -> str:
    return make_password(raw)


class PopulationRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PopulationRecord

    class Params:
        n = factory.Sequence(lambda n: n)
        born = dt.date(1990, 1, 1)

    document_type = models.DocumentType.RESIDENT_ID
    document_number = factory.LazyAttribute(lambda o: resident_id(o.n, born=o.born))
    document_index = factory.LazyAttribute(lambda o: document_index(o.document_type, o.document_number))
    name = factory.Sequence(lambda n: f"测试{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{n}")
    birth_date = factory.LazyAttribute(lambda o: o.born)
    document_valid_until = dt.date(2036, 1, 1)


class PersonFactory(factory.django.DjangoModelFactory):
    """A natural person with an account; ``level`` 2..5 (default 3, registry matched)."""

    class Meta:
        model = models.Person

    class Params:
        n = factory.Sequence(lambda n: 10000 + n)

    user = factory.SubFactory(UserFactory)
    document_type = models.DocumentType.RESIDENT_ID
    document_number = factory.LazyAttribute(lambda o: resident_id(o.n))
    document_index = factory.LazyAttribute(lambda o: document_index(o.document_type, o.document_number))
    name = factory.Sequence(lambda n: f"市民{n}")
    birth_date = dt.date(1990, 1, 1)
    mobile = factory.LazyAttribute(lambda o: mobile(o.n))
    mobile_index = factory.LazyAttribute(lambda o: mobile_index(o.mobile))
    assurance_level = models.AssuranceLevel.REGISTRY_MATCHED


class EnterpriseRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EnterpriseRecord

    credit_code = factory.Sequence(lambda n: credit_code(5000 + n))
    name = factory.Sequence(lambda n: f"测试科技有限公司{n}")
    kind = models.EnterpriseKind.ENTERPRISE
    legal_representative_name = "测试法人"
    legal_representative_index = ""
    established_on = dt.date(2015, 6, 1)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enterprise

    credit_code = factory.Sequence(lambda n: credit_code(7000 + n))
    name = factory.Sequence(lambda n: f"示例贸易有限公司{n}")
    kind = models.EnterpriseKind.ENTERPRISE
    legal_representative = factory.SubFactory(PersonFactory)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StaffMember

    user = factory.SubFactory(UserFactory, is_staff=True)
    name = factory.Sequence(lambda n: f"工作人员{n}")
    department = factory.SubFactory(DepartmentFactory)
    region_code = "330100"
    mobile = factory.Sequence(lambda n: f"137{n % 100000000:08d}")
    mobile_index = factory.LazyAttribute(lambda o: mobile_index(o.mobile))
