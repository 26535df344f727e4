"""Settings, read from the environment.

Every knob has a development default so that `make run` works on a bare machine;
production sets DEBUG=false, SECRET_KEY and ALLOWED_HOSTS explicitly.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# GENERAL
DEBUG = env_bool("DEBUG", default=True)
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = env_str("TIME_ZONE", default="UTC")
USE_TZ = True
LANGUAGE_CODE = "en"
USE_I18N = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# APPS
INSTALLED_APPS = [
    "config.admin_site.ShopAdminConfig",  # django.contrib.admin, its index showing what needs attention
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",  # the Spree dialect's API keys (X-Spree-Token)
    "rest_framework_simplejwt.token_blacklist",  # refresh tokens spent or revoked (api/tokens.py)
    "axes",  # failed logins counted in the database, per username and per client address
    "django_fsm",
    "django_fsm_log",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files, no CDN
    "customers",
    "catalog",
    "carts",
    "shipping",
    "payments",
    "discounts",
    "checkout",
    "events",  # order events outbox, webhooks, the order confirmation e-mail
]

MIDDLEWARE = [
    "core.request_log.RequestLogMiddleware",  # one JSON line per request, no secrets
    "api.guards.RequestGuardMiddleware",  # NUL in the URL: 400; a body over the limit: 413 (in the dialect's shape)
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # the admin login's lockout page (the API answers its own 429)
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE
# SQLite file by default; PostgreSQL in CI and production via DATABASE_URL.
# Services open their own transactions: ATOMIC_REQUESTS stays off so that no
# request-wide transaction ever holds row locks across a payment provider call.
DATABASE_URL = env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# Each gunicorn worker keeps its connection for DB_CONN_MAX_AGE seconds (0: one per request),
# checked before reuse; opening one costs far more than a statement.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", default=60),
                                              conn_health_checks=True)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests on SQLite wait their turn instead of failing with "database is locked":
    # IMMEDIATE takes the write lock when a transaction begins (a deferred one that read first
    # cannot wait for it: SQLite refuses its upgrade at once), the timeout is how long a writer
    # waits, and WAL lets readers go on beside the one writer (synchronous=NORMAL is WAL's safe mode).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })

# AUTH
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Every password check goes through django-axes first: while a username or a client address has
# LOGIN_FAILURE_LIMIT failures less than LOGIN_LOCKOUT_MINUTES apart, no password is even tried.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
# Attempts while locked out are refused uncounted: the lock lifts LOGIN_LOCKOUT_MINUTES after the
# last counted failure, as Retry-After says, whether or not the client tried again meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every worker and machine
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "config.admin_site.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "client_secret"]  # masked in the stored attempts
AXES_VERBOSE = False  # no start-up banner in every command; failures are still logged, masked
# The client address failed logins are counted against: REMOTE_ADDR, unless the shop runs behind
# TRUSTED_PROXY_COUNT proxies that each append to CLIENT_ADDRESS_HEADER (core/client_address.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)
CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER", default="X-Forwarded-For")

# REQUEST BODIES
# The largest honest request is a cart or an order of many lines: a few hundred bytes a line,
# so 1 MiB holds thousands. A longer body is refused with 413 before any view reads it
# (api.guards), in the dialect's shape; Django's default (2.5 MB) would take more for nothing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# STATIC
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# SECURITY (production)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# FSM
# Transition history: django-fsm-log writes one StateLog row per transition (a placement
# writes its rows in one INSERT: core.fsm_log), in the
# same transaction as the change it records.
DJANGO_FSM_LOG_STORAGE_METHOD = "core.fsm_log.BatchingBackend"  # SimpleBackend, batched in a placement
# A draft's steps are a shopper's clicks before an order exists; the placed order keeps its own history.
DJANGO_FSM_LOG_IGNORED_MODELS = ["checkout.models.drafts.CheckoutDraft"]

# SHOP
# Carts idle for longer than this are expired (Elastic Path's default is 7 days).
CART_EXPIRY_DAYS = env_int("CART_EXPIRY_DAYS", default=7)
# A retried request with the same Idempotency-Key gets the first result for this long.
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
PAYMENT_REDIRECT_URL = env_str("PAYMENT_REDIRECT_URL", default="https://payments.example.com/pay")
PAYMENT_REDIRECT_SECRET = env_str("PAYMENT_REDIRECT_SECRET", default=SECRET_KEY)
# The admin index lists stock items with this many units on hand or fewer as low stock.
LOW_STOCK_THRESHOLD = env_int("LOW_STOCK_THRESHOLD", default=5)

# STOREFRONT API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],  # each dialect identifies shoppers its own way (api/identity.py)
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.glue.errors.glue_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.StorefrontAutoSchema",  # drf-spectacular, a tag per dialect
}
# OpenAPI 3 schema of the three dialects (/api/schema/, /api/docs/, /api/docs/redoc/);
# the views parse bodies themselves, so api/schema.py describes each operation.
SPECTACULAR_SETTINGS = {
    "TITLE": "Checkout backend storefront API",
    "VERSION": "0.1.0",
    "DESCRIPTION": (
        "One checkout engine, three storefront dialects: Spryker Glue (JSON:API) at the site root, "
        "Spree API v1 under /api/, Elastic Path under /v2/. Errors use each dialect's own shape."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},  # no badge fetched from swagger.io
    "PREPROCESSING_HOOKS": ["api.schema.only_storefront_endpoints"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_components"],
}
# The store the Glue dialect sells in (Glue serves one store per host).
GLUE_STORE = env_str("GLUE_STORE", default="DE")
# The store the Spree dialect (/api/) sells in: the rental shop (seed 004).
SPREE_STORE = env_str("SPREE_STORE", default="US")
# The store Elastic Path carts (/v2/) sell in, unless X-Moltin-Currency names another store's currency.
ELASTICPATH_STORE = env_str("ELASTICPATH_STORE", default="DE")
SIMPLE_JWT = {
    # Spryker's lifetimes: 8 hours for an access token, a month for a refresh token.
    "ACCESS_TOKEN_LIFETIME": timedelta(seconds=env_int("ACCESS_TOKEN_SECONDS", default=28800)),
    "REFRESH_TOKEN_LIFETIME": timedelta(seconds=env_int("REFRESH_TOKEN_SECONDS", default=2628000)),
    "SIGNING_KEY": SECRET_KEY,
    "UPDATE_LAST_LOGIN": False,
    # Every token carries a hash of the user's password hash: a password change ends all earlier
    # tokens (api/tokens.py checks it wherever a token becomes a user).
    "CHECK_REVOKE_TOKEN": True,
    # A refresh token is spent by its first use (api/tokens.py does it so that one of two racing uses wins).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json_line": {"format": "%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"},
                 "requests": {"class": "logging.StreamHandler", "formatter": "json_line"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    "filters": {"redact": {"()": "core.request_log.RedactSecrets"}},
    "loggers": {
        # One JSON line per request (core.request_log), printed as is for log shippers.
        "shop.requests": {"handlers": ["requests"], "level": env_str("REQUEST_LOG_LEVEL", default="INFO"),
                          "propagate": False},
        # Django names paths and queries in these: no card numbers or tokens in them.
        "django.request": {"filters": ["redact"]},
        "django.server": {"handlers": ["console"], "filters": ["redact"], "level": "INFO", "propagate": False},
    },
}

# E-MAIL: the order confirmation (templates/emails/), with the customer's name and addresses.
# With DEBUG on (make run) mails are printed to the console; otherwise they go by SMTP to
# EMAIL_HOST, which must then be set: `manage.py check` says so (events.checks), and never
# prints them to the log. EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend sends none.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend" if DEBUG
                        else "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="shop@example.com")
EMAIL_HOST = env_str("EMAIL_HOST", default="")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10)

# WEBHOOKS: order events (events/) POSTed by `manage.py deliver_webhooks`, signed with
# X-Shop-Signature: sha256=<HMAC-SHA256 of the body with WEBHOOK_SECRET>.
WEBHOOK_URLS = env_list("WEBHOOK_URLS", default=[])
WEBHOOK_SECRET = env_str("WEBHOOK_SECRET", default="")
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", default=16)  # ~1.5 days of retries (30 s doubling, 6 h cap)
