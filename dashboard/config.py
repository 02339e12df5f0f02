"""Configuration: data folder, database, message queue, secret key, demo options."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Config:
    """Everything `create_app` needs; read from arguments and the DESK_* environment."""

    data_dir: Path = Path("var")
    database_url: str | None = None
    message_queue: str | None = None
    secret_key: str | None = None
    boundaries: Path | None = None
    demo: bool = False
    simulator: bool = False
    speed: float = 1.0
    testing: bool = False
    async_mode: str = "threading"  # `serve` uses "gevent" after patching the standard library
    background_push: bool = True  # tests of the hub turn this off and call hub.flush() themselves
    login_rate_limit: str = "10 per minute"
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        """Defaults, then DESK_* environment variables, then explicit (non-None) overrides."""
        env = os.environ
        values: dict[str, Any] = {
            "data_dir": Path(env.get("DESK_DATA_DIR", "var")),
            "database_url": env.get("DESK_DATABASE_URL") or None,
            "message_queue": env.get("DESK_MESSAGE_QUEUE") or None,
            "secret_key": env.get("DESK_SECRET_KEY") or None,
            "boundaries": Path(env["DESK_BOUNDARIES"]) if env.get("DESK_BOUNDARIES") else None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["data_dir"] = Path(values["data_dir"])
        return cls(**values)

    def resolved_secret_key(self) -> str:
        """The secret key: from the config or environment, else generated once into the data folder (0600)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key)
        return key
