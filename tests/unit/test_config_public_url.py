"""Where the world reaches the API (the Open Contracting URIs name it): said by the setting, else
where `purldesk serve` listens; in production it must be said."""

from __future__ import annotations

from pydantic import SecretStr

from purldesk.config import (
    AuthSettings,
    LedgerSettings,
    ReportSettings,
    ServerSettings,
    Settings,
    WebSettings,
)

SECRETS = {
    "auth": AuthSettings(token_pepper=SecretStr("p" * 40)),
    "web": WebSettings(session_secret=SecretStr("s" * 40)),
    "ledger": LedgerSettings(signing_key=SecretStr("ed25519-secret:" + "ab" * 32)),
}


def test_the_public_url_is_the_setting_else_where_the_server_listens() -> None:
    assert Settings(server=ServerSettings(host="10.1.2.3", port=9000)).public_url() == (
        "http://10.1.2.3:9000")  # fmt: skip
    configured = Settings(reports=ReportSettings(public_url="https://purl.example.org"))
    assert configured.public_url() == "https://purl.example.org"


def test_production_requires_the_public_url() -> None:
    production = Settings(environment="production", **SECRETS)
    (refusal,) = production.placeholder_refusals()
    assert refusal.field == "PURLDESK_REPORTS__PUBLIC_URL"
    said = ReportSettings(public_url="https://purl.example.org")
    assert Settings(environment="production", reports=said, **SECRETS).placeholder_refusals() == []
    assert Settings().placeholder_refusals() == []  # development: the server's own address
