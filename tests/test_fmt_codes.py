"""Indonesian number and time formats; TPS code forms."""

from __future__ import annotations

from datetime import UTC, datetime

from data_sources.domain.codes import is_within, normalize_tps_code
from data_sources.domain.fmt import fmt_int, fmt_pct, fmt_wib


def test_numbers_in_indonesian_notation() -> None:
    assert fmt_int(1234567) == "1.234.567"
    assert fmt_pct(0.341) == "34,10 %"
    assert fmt_int(None) == "—"


def test_times_in_wib() -> None:
    assert fmt_wib(datetime(2024, 11, 27, 7, 5, tzinfo=UTC)) == "14.05 WIB"
    assert fmt_wib(datetime(2024, 11, 27, 7, 5), with_date=True) == "27-11-2024 14.05 WIB"


def test_tps_code_forms() -> None:
    assert normalize_tps_code("1607082001003") == "16.07.08.2001.003"
    assert normalize_tps_code("16.07.08.2001.003") == "16.07.08.2001.003"
    assert normalize_tps_code("16.07.08.2001.3") is None
    assert normalize_tps_code("'; DROP TABLE tps; --") is None
    assert is_within("16.07.08.2001.003", "16.07") and not is_within("16.071", "16.07")
