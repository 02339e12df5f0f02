"""Layar's address settings and its views as rendered for a screen."""

from __future__ import annotations

import pytest

from layouts.layar import DEFAULT_INTERVAL, interval_of
from tests.conftest import render_page, texts


@pytest.mark.parametrize(
    ("raw", "seconds"), [("30", 30), ("2", 5), ("9999", 600), ("", DEFAULT_INTERVAL), ("abc", DEFAULT_INTERVAL)]
)
def test_interval_from_the_address(raw, seconds) -> None:  # noqa: ANN001
    assert interval_of(raw) == seconds


def test_the_screen_lists_every_view_with_whole_paslon_names(client_as) -> None:  # noqa: ANN001
    page = texts(render_page(client_as("viewer"), "/layar", "?interval=45&token=x"))
    assert "Putar · 45 detik" in page
    for title in ("Ringkasan", "Peta kejadian", "Logistik", "Pemilihan Gubernur dan Wakil Gubernur Sumatera Selatan"):
        assert title in page
    assert "Hj. Ratna Sari Dewi – Muhammad Fadli" in page  # never shortened
    assert page.count("Diperbarui ") >= 8  # every panel says when it was last updated
