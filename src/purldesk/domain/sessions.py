"""A dashboard session as stored: only the digest of its id, its user, its form token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from purldesk.domain.access import UserId


@dataclass(frozen=True, slots=True)
class WebSession:
    digest: str  # SHA-256 (hex) of the session id
    user_id: UserId
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None

    def is_live_at(self, at: datetime) -> bool:
        return self.ended_at is None and at < self.expires_at
