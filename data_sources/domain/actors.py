"""Who is acting: a logged-in user, a display screen or a reporter token."""

from __future__ import annotations

from dataclasses import dataclass

ROLES_USER = ("admin", "operator", "viewer")
ROLES_TOKEN = ("display", "reporter")
CORRECTORS = ("admin", "operator")


@dataclass(frozen=True)
class Actor:
    """The author of a write, with the role that limits it and an optional region scope."""

    name: str
    role: str
    region: str | None = None

    @property
    def can_correct(self) -> bool:
        """Admins and operators may correct and confirm results."""
        return self.role in CORRECTORS

    @property
    def can_submit(self) -> bool:
        """Who may submit results and incidents."""
        return self.role in (*CORRECTORS, "reporter")


SYSTEM = Actor("sistem", "admin")
