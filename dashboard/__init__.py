"""Desk Pilkada: the application (factory in `dashboard.app`), its API, live layer, recap engine and CLI.

Sub-packages: `api` (HTTP routes under /api/v1 and their models), `live` (Socket.IO, the realtime hub following
the change feed, presenter state), `recap` (incremental aggregates), `charts` (figures and maps), `cli`.
"""
