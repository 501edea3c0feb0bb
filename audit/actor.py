"""Who did a thing, and from where: passed to every service as `by=`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hartford_bwc.client_address import client_address

if TYPE_CHECKING:
    from assignments.models import Officer
    from kiosk.models import Kiosk


@dataclass(frozen=True)
class Actor:
    """A staff user, an officer at a kiosk, or the system (a sweep, a command)."""

    user: Any = None
    officer: Officer | None = None
    kiosk: Kiosk | None = None
    ip: str | None = None
    system: str = ""

    @classmethod
    def staff(cls, user: Any, ip: str | None = None) -> Actor:
        return cls(user=user, ip=ip)

    @classmethod
    def at_kiosk(cls, kiosk: Kiosk, officer: Officer | None = None, ip: str | None = None) -> Actor:
        return cls(kiosk=kiosk, officer=officer, ip=ip)

    @classmethod
    def system_process(cls, name: str) -> Actor:
        return cls(system=name)

    @classmethod
    def from_request(cls, request: Any) -> Actor:
        return cls(user=request.user, ip=client_address(request))

    @property
    def staff_user(self) -> Any:
        """The signed-in staff user behind this action, or None (kiosk, system, anonymous)."""
        return self.user if self.user is not None and self.user.is_authenticated else None

    @property
    def kind(self) -> str:
        if self.user is not None:
            return "staff"
        if self.kiosk is not None or self.officer is not None:
            return "officer" if self.officer is not None else "kiosk"
        return "system"

    def __str__(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.officer is not None:
            where = f" at kiosk {self.kiosk.name}" if self.kiosk is not None else ""
            return f"{self.officer.display_name}{where}"
        if self.kiosk is not None:
            return f"kiosk {self.kiosk.name}"
        return self.system or "system"
