"""zwfw manage identity_unlock --by <admin username> <account>: end a sign-in lock (NIST SP 800-63B §5.2.2).

For an account locked after 100 consecutive failures that cannot end the lock itself (staff, or a
citizen who signs in with TOTP): a platform or security administrator, having checked the person
some other way, unlocks it. ``<account>`` is a staff username or a citizen's mobile number.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zwfw.core.errors import DomainError
from zwfw.identity.authn import unlock_account
from zwfw.identity.indexes import mobile_index
from zwfw.identity.models import Person
from zwfw.notifications.services import normalise_mobile


class Command(BaseCommand):
    help = "解除账号登录锁定（连续失败100次后）：由平台管理员或安全管理员执行"

    def add_arguments(self, parser):
        parser.add_argument("account", help="工作人员用户名，或市民手机号")
        parser.add_argument("--by", required=True, help="执行解锁的管理员用户名")

    def handle(self, *args, account: str, by: str, **options):
        users = get_user_model().objects
        actor = users.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(f"管理员账号 {by} 不存在或已停用")
        target = users.filter(username=account).first()
        if target is None:
            try:
                person = Person.objects.filter(mobile_index=mobile_index(normalise_mobile(account))).first()
            except DomainError:
                person = None
            target = person.user if person is not None else None
        if target is None:
            raise CommandError("未找到该账号（请输入工作人员用户名或市民手机号）")
        try:
            unlock_account(actor=actor, user=target)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write("已解除该账号的登录锁定")
