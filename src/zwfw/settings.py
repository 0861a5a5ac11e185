"""Django settings for a zwfw node.

Every value is read once, here, from the environment (STYLE.md habit 10). Defaults are the
safe ones: DEBUG off, only loopback hosts allowed, no secret key invented outside demo mode.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent

NODE_ROLES = ("national", "regional", "department")


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DATA_DIR = Path(os.environ.get("ZWFW_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Demo mode is switched on by `zwfw demo` and by the test suite; it allows a generated secret key.
DEMO = _env_bool("ZWFW_DEMO", False)
DEBUG = _env_bool("ZWFW_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("ZWFW_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("ZWFW_SECRET_KEY must be at least 32 characters long")
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if not DEMO:
        raise ImproperlyConfigured(
            "ZWFW_SECRET_KEY is required (at least 32 random characters); only `zwfw demo` generates one."
        )
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


SECRET_KEY = _secret_key()


def _key_setting(env_name: str, file_name: str, what: str) -> list[str]:
    """Base64 keys of 32 bytes from ``env_name`` or the 0600 file ``$DATA_DIR/file_name`` (created only in
    demo mode); several comma-separated keys allow rotation, the first one is used for new data."""
    import base64
    import binascii

    raw = os.environ.get(env_name, "")
    key_file = DATA_DIR / file_name
    if not raw and key_file.exists():
        raw = key_file.read_text().strip()
    if not raw:
        if not DEMO:
            raise ImproperlyConfigured(
                f"{env_name} is required ({what}; base64 of 32 random bytes: "
                "python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'); "
                "only `zwfw demo` generates one."
            )
        raw = base64.b64encode(os.urandom(32)).decode()
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(raw)
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    for key in keys:
        try:
            if len(base64.b64decode(key, validate=True)) != 32:
                raise ValueError
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"{env_name} must be base64 of exactly 32 bytes") from None
    return keys


def _field_keys() -> list[str]:
    """Keys that encrypt personal data at rest (zwfw.core.crypto); the first one encrypts."""
    return _key_setting("ZWFW_FIELD_KEY", "field_key", "encrypts personal data at rest")


FIELD_KEYS = _field_keys()
# Key-encryption keys of the seal key store (zwfw.seals.keystore): wrap every seal and CA private key.
SEAL_KEKS = _key_setting("ZWFW_SEAL_KEK", "seal_kek", "wraps the private keys of seals and CAs")
# Dotted path of the key store (a PKCS#11 HSM store subclasses zwfw.seals.keystore.KeyStore).
SEAL_KEYSTORE = os.environ.get("ZWFW_SEAL_KEYSTORE", "zwfw.seals.keystore.DatabaseKeyStore")

NODE_ROLE = os.environ.get("ZWFW_NODE_ROLE", "regional")
if NODE_ROLE not in NODE_ROLES:
    raise ImproperlyConfigured(f"ZWFW_NODE_ROLE must be one of {', '.join(NODE_ROLES)}, not {NODE_ROLE!r}")
NODE_CODE = os.environ.get("ZWFW_NODE_CODE", "100000" if NODE_ROLE == "national" else "330000")
if not NODE_CODE.isalnum() or len(NODE_CODE) not in (6, 18):
    raise ImproperlyConfigured(
        "ZWFW_NODE_CODE must be a 6-digit GB/T 2260 region code or an 18-character department credit code"
    )
HUB_URL = os.environ.get("ZWFW_HUB_URL", "")
if (
    NODE_ROLE != "national"
    and HUB_URL
    and not HUB_URL.startswith(("https://", "http://127.", "http://localhost"))
):
    raise ImproperlyConfigured("ZWFW_HUB_URL must be an https:// URL (plain http only on loopback)")

ALLOWED_HOSTS = _env_list("ZWFW_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("ZWFW_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from the node itself, never from a CDN
    "oauth2_provider",
    "zwfw.core",
    "zwfw.notifications",
    "zwfw.catalog",
    "zwfw.identity",
    "zwfw.seals",
    "zwfw.licenses",
    "zwfw.appointments",
    "zwfw.cases",
    "zwfw.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zwfw.identity.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zwfw.core.middleware.ApiErrorShapeMiddleware",
]

ROOT_URLCONF = "zwfw.urls"
WSGI_APPLICATION = "zwfw.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zwfw.portal.context_processors.node",
                "zwfw.identity.context_processors.identity",
            ],
        },
    },
    {
        # the few pages that must render fastest (the 亮证 scan page): zwfw.portal.jinja
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "zwfw.portal.jinja.environment"},
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'zwfw.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with writers queued on a lock file instead of SQLite's coarse busy sleeps
    DATABASES["default"]["ENGINE"] = "zwfw.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades mid-transaction.
        # A 64 MiB page cache and 256 MiB of the file mapped, per connection: SQLite's default cache
        # is 2 MiB, and a book of 100,000 cases re-read the same index pages through read() calls.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # ":memory:" rather than None: pytest-django recognises only Django's own engine name as SQLite
    # when it gives each xdist worker its test database, and would make a file name of the node's.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("ZWFW_TEST_SQLITE_NAME") or ":memory:"
# Persistent connections on both engines: opening one (and its PRAGMAs on SQLite) costs more than a page.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    SESSION_ENGINE = "zwfw.identity.backends"  # the database store, its read prepared
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "zwfw",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# NIST SP 800-63B §5.1.1.2: at least 8 characters, at least 64 allowed, checked against common
# passwords, no composition rules, no forced rotation.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "zwfw.identity.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Argon2id first (new hashes); the others only verify hashes made before and are upgraded on sign-in.
PASSWORD_HASHERS = [
    "zwfw.identity.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "zwfw.identity.passwords.ClientSecretHasher",
]
# Django's ModelBackend and database sessions, with the user and session reads of every signed-in
# request compiled once per connection (zwfw.identity.backends).
AUTHENTICATION_BACKENDS = ["zwfw.identity.backends.AccountBackend"]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:account"

# Sessions (issue 3): idle and absolute timeouts, enforced by zwfw.identity.middleware.
SESSION_COOKIE_AGE = 12 * 3600
ZWFW_SESSION_IDLE_SECONDS = int(os.environ.get("ZWFW_SESSION_IDLE_SECONDS", str(2 * 3600)))
ZWFW_STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("ZWFW_STAFF_SESSION_IDLE_SECONDS", str(30 * 60)))
ZWFW_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("ZWFW_SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
# A level raised by step-up authentication lasts this long, then the session falls back.
ZWFW_STEP_UP_SECONDS = int(os.environ.get("ZWFW_STEP_UP_SECONDS", str(15 * 60)))

# Public base URL of this node: the OpenID Connect issuer. Empty: taken from the request (demo, tests).
BASE_URL = os.environ.get("ZWFW_BASE_URL", "").rstrip("/")
HUB_CLIENT_ID = os.environ.get("ZWFW_HUB_CLIENT_ID", "")
HUB_CLIENT_SECRET = os.environ.get("ZWFW_HUB_CLIENT_SECRET", "")
# Signing keys of the OpenID Connect provider live here (PEM files, see zwfw.identity.keys).
OIDC_KEYS_DIR = Path(os.environ.get("ZWFW_OIDC_KEYS_DIR", str(DATA_DIR / "oidc-keys"))).resolve()

ACCESS_TOKEN_SECONDS = int(os.environ.get("ZWFW_ACCESS_TOKEN_SECONDS", "600"))
ID_TOKEN_SECONDS = 600
# A retired key stays in the JWKS until every token it signed has expired.
OIDC_KEY_RETIRE_AFTER_SECONDS = max(ACCESS_TOKEN_SECONDS, ID_TOKEN_SECONDS) + 60


def _signing_keys() -> tuple[str, list[str]]:
    from zwfw.identity.keys import load_signing_keys

    return load_signing_keys(OIDC_KEYS_DIR, retire_after_seconds=OIDC_KEY_RETIRE_AFTER_SECONDS)


_active_key, _inactive_keys = _signing_keys()
# django-oauth-toolkit's own models, not swapped (named so migrations can depend on them).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "OIDC_RSA_PRIVATE_KEY": _active_key,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _inactive_keys,
    "OAUTH2_VALIDATOR_CLASS": "zwfw.identity.oidc.validator.Validator",
    "CLIENT_SECRET_HASHER": "zwfw_client_secret",
    "ACCESS_TOKEN_GENERATOR": "zwfw.identity.oidc.tokens.generate_access_token",
    # Refresh tokens stay opaque random strings (oauthlib would reuse the JWT generator otherwise).
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    # Empty: the issuer is taken from the request (demo, tests); see oauth2_settings.oidc_issuer.
    "OIDC_ISS_ENDPOINT": BASE_URL,
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": ACCESS_TOKEN_SECONDS,
    "ID_TOKEN_EXPIRE_SECONDS": ID_TOKEN_SECONDS,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise", "public"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if (DEMO or DEBUG) else ["https"],
    "SCOPES": {
        "openid": "登录身份（OpenID Connect）",
        "profile": "姓名和认证等级",
        "phone": "手机号码",
        "idcard": "完整证件号码",
        "entity": "您代办的法人及授权范围",
    },
    "DEFAULT_SCOPES": ["openid"],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = 3600

# Uploads: keep request bodies bounded; larger files go through dedicated endpoints later.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
_secure = not (DEBUG or DEMO)
SESSION_COOKIE_SECURE = _env_bool("ZWFW_SECURE_COOKIES", _secure)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if _env_bool("ZWFW_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal data never reaches the logs unmasked (ARCHITECTURE.md, cross-cutting rules).
    "filters": {"pii": {"()": "zwfw.core.masking.PiiMaskingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["pii"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZWFW_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

ZWFW_CATALOG_PAGE_SIZE_MAX = 100

# Message senders per channel (zwfw.notifications.senders); a real SMS gateway is named here.
ZWFW_SENDERS = {
    "sms": os.environ.get("ZWFW_SMS_SENDER", "zwfw.notifications.senders.RecordingSender"),
    "email": os.environ.get("ZWFW_EMAIL_SENDER", "zwfw.notifications.senders.RecordingSender"),
    "inbox": "zwfw.notifications.senders.InboxSender",
}
