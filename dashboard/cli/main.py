"""Command line: `python -m dashboard [serve|init|users|tokens|import|export] …` (no command = the demo)."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path
from typing import Any

from dashboard.cli.common import common_options, config_from, open_store
from dashboard.cli.export import add_export_parser, cmd_export
from dashboard.cli.imports import add_import_parser, cmd_import
from dashboard.config import Config
from data_sources.domain.actors import SYSTEM

DEMO_SCENARIO = Path(__file__).resolve().parents[2] / "data_sources" / "demo" / "banyuasin_demo.json"
DEMO_USERS = (("admin", "admin"), ("operator", "operator"), ("viewer", "viewer"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Desk Pilkada. Tanpa perintah: demo Kabupaten Banyuasin (sama dengan `serve --demo`).",
    )
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="jalankan server web")
    common_options(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--message-queue", help="URL Redis untuk Socket.IO bila beberapa proses melayani")
    serve.add_argument("--demo", action="store_true", help="muat skenario demo Banyuasin dan simulasikan hari-H")
    serve.add_argument("--no-simulator", action="store_true", help="demo tanpa simulator")
    serve.add_argument("--speed", type=float, default=1.0, help="kecepatan simulator (1 = sehari dalam ±10 menit)")

    init = sub.add_parser("init", help="muat berkas skenario pemilihan")
    common_options(init)
    init.add_argument("scenario", type=Path)

    users = sub.add_parser("users", help="kelola pengguna")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="tambah pengguna atau ganti kata sandinya (dibaca dari stdin)")
    common_options(add)
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["admin", "operator", "viewer"])

    tokens = sub.add_parser("tokens", help="kelola token")
    tokens_sub = tokens.add_subparsers(dest="tokens_command", required=True)
    create = tokens_sub.add_parser("create", help="buat token; token dicetak sendiri di baris terakhir")
    common_options(create)
    create.add_argument("name")
    create.add_argument("--role", required=True, choices=["display", "reporter"])
    create.add_argument("--region", help="batasi token reporter ke wilayah ini, mis. 16.07.08")

    add_import_parser(sub, common_options)
    add_export_parser(sub, common_options)
    return parser


def cmd_init(args: argparse.Namespace) -> int:
    """Load a scenario file; a broken file changes nothing."""
    from data_sources.scenario import ScenarioError, load_scenario

    store = open_store(config_from(args))
    try:
        counts = load_scenario(store, args.scenario, SYSTEM)
    except ScenarioError as exc:
        print(f"Skenario {args.scenario} tidak dimuat; tidak ada yang disimpan:", file=sys.stderr)
        for problem in exc.problems[:50]:
            print(f"  - {problem}", file=sys.stderr)
        if len(exc.problems) > 50:
            print(f"  … dan {len(exc.problems) - 50} masalah lain", file=sys.stderr)
        return 2
    print("Skenario dimuat: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def _read_password(name: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"Kata sandi untuk {name}: ")
        if getpass.getpass("Ulangi kata sandi: ") != first:
            raise SystemExit("Kata sandi tidak sama.")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_users_add(args: argparse.Namespace) -> int:
    """Create a user (or reset its password) with the password read from standard input."""
    from data_sources.accounts import AccountError, set_user

    store = open_store(config_from(args))
    try:
        user = set_user(store, args.name, args.role, _read_password(args.name), "cli")
    except AccountError as exc:
        print(f"Pengguna tidak disimpan: {exc}", file=sys.stderr)
        return 2
    print(f"Pengguna {user.username} ({user.role}) tersimpan.")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    """Create a token and print it alone on the last line."""
    from data_sources.accounts import AccountError, create_token

    store = open_store(config_from(args))
    try:
        secret, info = create_token(store, args.name, args.role, "cli", args.region)
    except AccountError as exc:
        print(f"Token tidak dibuat: {exc}", file=sys.stderr)
        return 2
    print(f"Token {info.id} ({info.name}, {info.role}) dibuat; simpan baik-baik, tidak ditampilkan lagi:")
    print(secret)
    return 0


def prepare_demo(config: Config) -> dict[str, Any]:
    """Load the demo scenario into an empty store, give demo users fresh passwords, make a screen token."""
    from data_sources.accounts import create_token, generate_password, set_user
    from data_sources.scenario import load_scenario

    store = open_store(config)
    if store.get_setting("scenario") is None:
        load_scenario(store, DEMO_SCENARIO, SYSTEM)
    passwords = {}
    for name, role in DEMO_USERS:
        passwords[name] = generate_password()
        set_user(store, name, role, passwords[name], "demo")
    token, _info = create_token(store, "layar-utama (demo)", "display", "demo")
    store.dispose()
    return {"passwords": passwords, "display_token": token}


def cmd_serve(args: argparse.Namespace, demo: bool = False) -> int:
    """Run the production server (gevent, WebSocket) until interrupted."""
    from gevent import monkey

    monkey.patch_all()  # before the app and its drivers are imported: blocking calls then yield
    from dashboard.server import run

    demo = demo or args.demo
    config = config_from(
        args,
        message_queue=args.message_queue,
        demo=demo,
        simulator=demo and not args.no_simulator,
        speed=args.speed,
        async_mode="gevent",
    )
    started = time.monotonic()
    info = prepare_demo(config) if demo else None
    url = f"http://{args.host}:{args.port}"
    lines = [f"Desk Pilkada berjalan di {url}"]
    if info:
        lines.append(
            "DATA SIMULASI — Kabupaten Banyuasin. Kata sandi sekali pakai (berlaku sampai server dijalankan lagi):"
        )
        lines += [f"  {name:9s} {pw}" for name, pw in info["passwords"].items()]
        lines.append(f"Tautan layar besar: {url}/layar?token={info['display_token']}")
        lines.append(f"Layar besar mengikuti presenter: {url}/layar?token={info['display_token']}&follow=1")
        lines.append(f"Tautan ikuti untuk peserta vicon (login viewer): {url}/ikuti")
        if config.simulator:
            lines.append(f"Simulator hari-H aktif (kecepatan {args.speed:g}×).")
    run(config, args.host, args.port, banner="\n".join(lines), started=started)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m dashboard`."""
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    if not raw or (raw[0].startswith("-") and raw[0] not in ("-h", "--help")):
        raw = ["serve", "--demo", *raw]  # no command: the demo, with any serve options given
    args = parser.parse_args(raw)
    if args.command == "serve":
        return cmd_serve(args)
    if args.command == "init":
        return cmd_init(args)
    if args.command == "users":
        return cmd_users_add(args)
    if args.command == "tokens":
        return cmd_tokens_create(args)
    if args.command == "import":
        return cmd_import(args)
    if args.command == "export":
        return cmd_export(args)
    parser.print_help()
    return 2
