"""Settings of the NUMENEON reference backend (a dev/test server, not for production).

Environment:
  NUMENEON_DB             SQLite file (default: a per-user file in the temp dir; serve.py
                          picks a fresh temp dir per instance when unset)
  REDIS_URL               if set, use channels_redis (several workers share events)
  ACCESS_TOKEN_LIFETIME_S access-token lifetime in seconds (default 3600)
  REFRESH_TOKEN_BLACKLIST "1" = blacklist a refresh token once it was rotated (default off)
  NUMENEON_SECRET_KEY     JWT signing key; all workers sharing a DB must share it
  NUMENEON_DEBUG          "1" = Django DEBUG
  NUMENEON_FEATURES       opt-in protocol extensions, comma-separated (default
                          "presence,typing,read_receipts"; "" = exactly the live protocol)
  PRESENCE_TTL_S          presence: a connection not refreshed for this long counts as gone (default 30)
"""
import getpass
import os
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_flag(name, default="0"):
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def _default_db():
    try:
        user = getpass.getuser()
    except Exception:  # pragma: no cover - no passwd entry
        user = str(os.getuid())
    return os.path.join(tempfile.gettempdir(), f"numeneon-backend-{user}.sqlite3")


SECRET_KEY = os.environ.get(
    "NUMENEON_SECRET_KEY", "numeneon-reference-backend-dev-only-secret-key-0123456789"
)
DEBUG = _env_flag("NUMENEON_DEBUG")
ALLOWED_HOSTS = ["*"]

REFRESH_TOKEN_BLACKLIST = _env_flag("REFRESH_TOKEN_BLACKLIST")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "corsheaders",
    "rest_framework",
    "channels",
    "social",
]
if REFRESH_TOKEN_BLACKLIST:
    INSTALLED_APPS.append("rest_framework_simplejwt.token_blacklist")

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "numeneon.urls"
ASGI_APPLICATION = "numeneon.asgi.application"
TEMPLATES = []

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("NUMENEON_DB") or _default_db(),
        "OPTIONS": {
            # Several Daphne workers may share one file: WAL + wait for locks.
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = []  # dev server: any non-empty password
PASSWORD_HASHERS = [
    # Cheap hashing: the server is created and filled by test suites many times.
    "social.hashers.FastPBKDF2PasswordHasher",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Opt-in protocol extension (the live server has none of it): every pushed frame carries a per-user
# increasing top-level "event_id"; a client reconnecting with ?last_event_id=N gets what it missed replayed.
RESUME = {
    "ENABLED": _env_flag("NUMENEON_RESUME"),
    "HISTORY_SIZE": int(os.environ.get("RESUME_HISTORY_SIZE", "1000")),
    "HISTORY_AGE_S": float(os.environ.get("RESUME_HISTORY_AGE_S", "600")),
}

# Opt-in protocol extensions the live server does not have, advertised in connection_established's
# "features" (README: Protocol extensions). Unknown names are ignored; "" turns them all off.
KNOWN_FEATURES = ("presence", "typing", "read_receipts")
_requested = {f.strip() for f in os.environ.get("NUMENEON_FEATURES", ",".join(KNOWN_FEATURES)).split(",")}
NUMENEON_FEATURES = [f for f in KNOWN_FEATURES if f in _requested]
# Presence: each open connection refreshes its entry every TTL/3; an entry older than the TTL belongs to a
# dead worker, and every worker sweeps for those every TTL/3.
PRESENCE_TTL_S = float(os.environ.get("PRESENCE_TTL_S", "30"))

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    "DEFAULT_RENDERER_CLASSES": ("rest_framework.renderers.JSONRenderer",),
    "DEFAULT_PARSER_CLASSES": ("rest_framework.parsers.JSONParser",),
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        seconds=float(os.environ.get("ACCESS_TOKEN_LIFETIME_S", "3600"))
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": REFRESH_TOKEN_BLACKLIST,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
}

CORS_ALLOW_ALL_ORIGINS = True  # dev reference server; default allowed headers include Authorization

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("NUMENEON_LOG_LEVEL", "WARNING")},
    # 4xx answers are part of normal client behaviour; only log server errors.
    "loggers": {"django.request": {"level": "ERROR"}},
}
