"""Command line: users add reads the password from stdin; tokens create prints the token last."""

from __future__ import annotations

import subprocess
import sys

from data_sources import accounts
from data_sources.store import Store, default_database_url
from tests.conftest import ROOT


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_users_add_and_tokens_create_on_a_fresh_folder(tmp_path) -> None:  # noqa: ANN001
    data = str(tmp_path / "d")
    added = run("users", "add", "budi", "--role", "operator", "--data-dir", data, stdin="rahasia-budi-1\n")
    assert added.returncode == 0, added.stderr
    store = Store(default_database_url(tmp_path / "d"))
    assert accounts.verify_password(store, "budi", "rahasia-budi-1").role == "operator"

    short = run("users", "add", "ani", "--role", "viewer", "--data-dir", data, stdin="pendek\n")
    assert short.returncode == 2 and "kata sandi: minimal 8 karakter" in short.stderr

    made = run("tokens", "create", "layar-1", "--role", "display", "--data-dir", data)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip().splitlines()[-1]
    assert accounts.verify_token(store, secret).role == "display"


def test_help_of_every_command() -> None:
    for args in (
        [],
        ["serve"],
        ["init"],
        ["users", "add"],
        ["tokens", "create"],
        ["import", "tps"],
        ["import", "tallies"],
        ["import", "sirekap"],
        ["import", "incidents"],
    ):
        shown = run(*args, "--help")
        assert shown.returncode == 0 and "usage:" in shown.stdout
