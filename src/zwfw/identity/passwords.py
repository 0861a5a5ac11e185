"""Password hashing and the NIST SP 800-63B length rule."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher
from django.core.exceptions import ValidationError


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id with the OWASP Password Storage Cheat Sheet's first parameter set (m=19 MiB, t=2, p=1).

    Django's default (m=100 MiB, p=8) costs several times more CPU per sign-in for no gain in
    resistance per unit of memory; the OWASP set keeps >= 30 sign-ins a second on two cores.
    """

    # Same algorithm name as Django's hasher: hashes made with other parameters verify and are rehashed.
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


class MaximumLengthValidator:
    """NIST SP 800-63B §5.1.1.2: verifiers SHOULD permit at least 64 characters; we cap at 128."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(f"密码不能超过{self.max_length}个字符", code="password_too_long")

    def get_help_text(self) -> str:
        return f"密码最长{self.max_length}个字符"


class ClientSecretHasher(PBKDF2PasswordHasher):
    """OAuth client secrets: 128 random characters, so a slow hash adds cost and no safety.

    A password needs a memory-hard hash because people choose guessable ones; a secret with
    ~760 bits of entropy cannot be guessed, and checking it on every token request (refresh
    grants, client credentials) must stay cheap. PBKDF2-SHA256 with few iterations and a salt
    keeps the stored value useless to whoever reads the table. Never used for passwords
    (it is not the first hasher in settings.PASSWORD_HASHERS).
    """

    algorithm = "zwfw_client_secret"
    iterations = 1000
