"""Settings, read once at the entrypoint from the environment (PURLDESK_*) and defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from purldesk.domain.errors import InvalidInput

DEFAULT_DATABASE_URL = "sqlite:///purldesk.sqlite3"


class ServerSettings(BaseModel):
    """Where `purldesk serve` listens; `trusted_proxies` (addresses or networks) are the only
    peers whose X-Forwarded-For / X-Forwarded-Proto headers are believed: none by default."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    trusted_proxies: tuple[str, ...] = ()


class LimitSettings(BaseModel):
    """What a request may send: a body of at most `body_bytes` (`import_body_bytes` on the
    routes that import catalogs and lists), refused with 413 while it is read; a JSON body
    nested at most `json_depth` levels deep (422)."""

    body_bytes: int = Field(default=1024 * 1024, ge=1)
    import_body_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    json_depth: int = Field(default=32, ge=1, le=256)


# Fine for development and tests; refused anywhere else (see Settings.placeholder_refusals).
PLACEHOLDER_PEPPER = "development-only-token-pepper"
MAKE_SECRET = """python -c 'import secrets; print(secrets.token_urlsafe(48))'"""


class AuthSettings(BaseModel):
    """API tokens: the pepper keys the stored HMAC of each token; failures are limited per client."""

    token_pepper: SecretStr = SecretStr(PLACEHOLDER_PEPPER)
    token_lifetime_days: int = Field(default=90, ge=1, le=3650)
    max_failures: int = Field(default=20, ge=1)
    failure_window_s: int = Field(default=60, ge=1)


PLACEHOLDER_SESSION_SECRET = "development-only-session-secret"


class WebSettings(BaseModel):
    """The dashboard: session cookies are signed with `session_secret`; `secure_cookies` None
    means Secure exactly when the request came over https."""

    session_secret: SecretStr = SecretStr(PLACEHOLDER_SESSION_SECRET)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    secure_cookies: bool | None = None


class ReportSettings(BaseModel):
    """Reports: the Open Contracting (OCDS) export names each package `<ocid_prefix>-P-0001`
    (register a prefix with the Open Contracting Partnership for real publication), says who
    publishes it and where the API is reached from outside (`public_url`; None: where `purldesk
    serve` listens, which only fits a server used on its own machine, so production requires
    it), and dates its packages `published_at` (None: the date of the newest release a package
    holds, the last change to its contents, as OCDS asks of packages made on demand)."""

    ocid_prefix: str = Field(default="ocds-purldesk", pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,59}$")
    publisher: str = Field(default="purldesk", min_length=1, max_length=200)
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s]+$", max_length=500)
    published_at: AwareDatetime | None = None
    # k of docs/SECURITY.md: hidden money is published only summed over this many contributors
    min_hidden_contributors: int = Field(default=2, ge=2, le=100)


# A key everyone can read, so development needs no setup; refused anywhere else.
PLACEHOLDER_SIGNING_KEY = (
    "ed25519-secret:acd7fd437bf8d31b31834c458de46f7a19ef96551a0987f4ab6c0c3313e02b63"
)
MAKE_SIGNING_KEY = "purldesk keys generate --out FILE"


class LedgerSettings(BaseModel):
    """Checkpoints of the ledger are signed with `signing_key` (Ed25519, `ed25519-secret:`
    and 64 hex digits); `purldesk keys public` prints the public key to hand to contributors."""

    signing_key: SecretStr = SecretStr(PLACEHOLDER_SIGNING_KEY)


class Settings(BaseSettings):
    """Everything configurable; the defaults make `make demo` work with no environment."""

    model_config = SettingsConfigDict(env_prefix="PURLDESK_", env_nested_delimiter="__")

    database_url: str = DEFAULT_DATABASE_URL
    server: ServerSettings = ServerSettings()
    limits: LimitSettings = LimitSettings()
    auth: AuthSettings = AuthSettings()
    web: WebSettings = WebSettings()
    reports: ReportSettings = ReportSettings()
    ledger: LedgerSettings = LedgerSettings()
    environment: Literal["development", "production"] = "development"

    def public_url(self) -> str:
        """Where the API is reached from outside: `reports.public_url`, else where `purldesk
        serve` listens."""
        configured = self.reports.public_url
        return configured or f"http://{self.server.host}:{self.server.port}"

    def placeholder_refusals(self) -> list[InvalidInput]:
        """Outside development, the token pepper, the session secret and the key checkpoints
        are signed with must be real secrets, and the address the world reaches the API at must
        be said."""
        if self.environment == "development":
            return []
        refusals = []
        if self.ledger.signing_key.get_secret_value().strip() == PLACEHOLDER_SIGNING_KEY:
            refusals.append(InvalidInput(
                "PURLDESK_LEDGER__SIGNING_KEY", f"must be a key of your own when "
                f"PURLDESK_ENVIRONMENT={self.environment}; make one with: {MAKE_SIGNING_KEY}",
            ))  # fmt: skip
        if not self.reports.public_url:
            refusals.append(InvalidInput(
                "PURLDESK_REPORTS__PUBLIC_URL", "must say where the API is reached from outside "
                f"(such as https://purl.example.org) when PURLDESK_ENVIRONMENT={self.environment}: "
                "the Open Contracting data names it",
            ))  # fmt: skip
        secrets = {
            "PURLDESK_AUTH__TOKEN_PEPPER": (self.auth.token_pepper, PLACEHOLDER_PEPPER),
            "PURLDESK_WEB__SESSION_SECRET": (self.web.session_secret, PLACEHOLDER_SESSION_SECRET),
        }
        return [
            InvalidInput(variable, f"must be a secret of 32+ characters when "
                         f"PURLDESK_ENVIRONMENT={self.environment}; make one with: {MAKE_SECRET}")
            for variable, (secret, placeholder) in secrets.items()
            if secret.get_secret_value() == placeholder or len(secret.get_secret_value()) < 32
        ] + refusals  # fmt: skip


def load_settings(*, database_url: str | None = None) -> Settings:
    """Settings from the environment, with a command-line database URL taking precedence.

    A wrong or missing setting is one InvalidInput naming its environment variable."""
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = "PURLDESK_" + "__".join(str(part).upper() for part in first["loc"])
        raise InvalidInput(variable, first["msg"]) from None
    if refusals := settings.placeholder_refusals():
        raise refusals[0]
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings
