"""FastAPI apps to reuse across tests: building one (`create_app`) costs more than most tests."""

from __future__ import annotations

from fastapi import FastAPI

from purldesk.bootstrap import Application
from purldesk.entrypoints.web.app import create_app


class Apps:
    """A test borrows an app, wired to the test's own application, and gives it back at its
    end (`free.append`). The app reads its settings from the application at each request, so
    a borrowed one answers as one made for the test would."""

    # What create_app keeps in app.state; if it keeps more, rewiring must replace that too.
    STATE = frozenset({"purldesk", "passwords"})

    def __init__(self) -> None:
        self.free: list[FastAPI] = []

    def borrow(self, wired: Application) -> FastAPI:
        app = self.free.pop() if self.free else create_app(wired.settings, wired=wired)
        assert set(vars(app.state)["_state"]) == self.STATE, "create_app keeps new state"
        app.state.purldesk = wired
        app.state.passwords = wired.passwords
        return app
