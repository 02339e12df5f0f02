"""Every limit on what the desk accepts, defined once: the input models, the rules, the pages and the API use these."""

from __future__ import annotations

from datetime import UTC, datetime

# counts of a C1 form and of logistics
MAX_COUNT = 10_000_000  # larger counts are typing errors
MAX_DPT_PER_TPS = 600  # voters per TPS (Pilkada 2024)
MAX_PASLON = 999  # highest nomor urut
MAX_VOTE_ENTRIES = 50  # paslon in one result

# text
MAX_CONTEST_ID = 100
MAX_REASON = 1000  # reason of a correction or a confirmation
MAX_DESCRIPTION = 4000  # an incident's description
MAX_NOTE = 1000  # note of an incident's status change
MAX_SNAPSHOT_NOTE = 200
MAX_IDEMPOTENCY_KEY = 200
MAX_USERNAME = 64  # the users table's column

# presenter view
MAX_SEARCH = 1000  # query of a mirrored page
MAX_SLIDE = 99  # playlist slide

# incident lists
DEFAULT_LIMIT = 500
MAX_LIMIT = 5000
MAX_HOURS = 24 * 30

# moments and places
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # anything before or after is a typo (and some cannot be stored)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
LATITUDE = (-90.0, 90.0)
LONGITUDE = (-180.0, 180.0)
