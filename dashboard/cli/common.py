"""What every command shares: the --data-dir/--database-url options, the configuration, the store."""

from __future__ import annotations

import argparse
from typing import Any

from dashboard.config import Config
from data_sources.store import Store, default_database_url


def common_options(parser: argparse.ArgumentParser) -> None:
    """Add --data-dir and --database-url to a command."""
    parser.add_argument(
        "--data-dir", help="folder data (SQLite, kunci rahasia, unggahan); bawaan ./var atau DESK_DATA_DIR"
    )
    parser.add_argument("--database-url", help="URL basis data, mis. postgresql+psycopg://127.0.0.1/test")


def config_from(args: argparse.Namespace, **extra: Any) -> Config:
    """The configuration of a command: its options over the DESK_* environment."""
    return Config.from_env(data_dir=args.data_dir, database_url=args.database_url, **extra)


def open_store(config: Config) -> Store:
    """The store of the configured data folder or database URL, with its schema."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(config.database_url or default_database_url(config.data_dir))
    store.create_schema()
    return store
