"""Domain rules of DESIGN §5: rejected, held for review, janggal — each with a reason."""

from __future__ import annotations

from data_sources.domain.rules import STATUS_COUNTED, STATUS_REVIEW, Tally, ballots_printed, check_result, parse_tally

PASLON = {1, 2, 3}


def tally(votes, tidak_sah=5, sah=None, hadir=None) -> Tally:  # noqa: ANN001
    parsed, errors = parse_tally({str(k): v for k, v in votes.items()}, tidak_sah, sah, hadir)
    assert not errors, errors
    return parsed


def test_ballots_printed_is_dpt_plus_reserve() -> None:
    assert ballots_printed(200) == 205
    assert ballots_printed(201) == 207  # 206.025 rounds up: never fewer ballots than the rule


def test_plain_result_is_counted_without_flags() -> None:
    verdict = check_result(tally({1: 60, 2: 50, 3: 40}, 5, 150, 155), dpt=220, paslon_numbers=PASLON)
    assert not verdict.rejected
    assert verdict.status == STATUS_COUNTED
    assert verdict.flags == []


def test_more_ballots_than_printed_is_rejected_naming_the_numbers() -> None:
    verdict = check_result(tally({1: 100, 2: 100, 3: 1}, 5), dpt=200, paslon_numbers=PASLON)
    assert verdict.rejected
    assert "melebihi surat suara tercetak 205" in verdict.errors["suara_tidak_sah"]


def test_unknown_and_missing_paslon_are_rejected() -> None:
    verdict = check_result(tally({1: 10, 2: 10, 7: 1}), dpt=200, paslon_numbers=PASLON)
    assert verdict.errors["votes.7"] == "paslon nomor 7 tidak ada dalam kontestasi ini"
    assert verdict.errors["votes.3"] == "suara paslon nomor 3 belum diisi"


def test_negative_and_non_integer_counts_are_rejected_per_field() -> None:
    parsed, errors = parse_tally({"1": -1, "2": 2.5, "3": "10"}, "x")
    assert parsed is None
    assert errors == {
        "votes.1": "tidak boleh negatif",
        "votes.2": "harus bilangan bulat tidak negatif",
        "votes.3": "harus bilangan bulat tidak negatif",
        "suara_tidak_sah": "harus bilangan bulat tidak negatif",
    }


def test_malformed_votes_are_rejected() -> None:
    assert parse_tally([1, 2], 0)[1] == {"votes": 'harus berisi suara per paslon, mis. {"1": 120, "2": 80}'}
    assert parse_tally({"satu": 1}, 0)[1] == {"votes.satu": "nomor urut paslon harus angka"}
    assert "suara_tidak_sah" in parse_tally({"1": 1}, True)[1]


def test_sah_not_matching_the_sum_is_held_with_reason() -> None:
    verdict = check_result(tally({1: 60, 2: 50, 3: 40}, 5, sah=160), dpt=220, paslon_numbers=PASLON)
    assert verdict.status == STATUS_REVIEW
    assert verdict.flags == [
        {"code": "sah_tidak_cocok", "message": "Suara sah tertulis 160, tetapi jumlah suara paslon 150."}
    ]


def test_voters_not_matching_ballots_is_held() -> None:
    verdict = check_result(tally({1: 60, 2: 50, 3: 40}, 5, hadir=170), dpt=220, paslon_numbers=PASLON)
    assert verdict.status == STATUS_REVIEW
    assert verdict.flags[0]["code"] == "pemilih_tidak_cocok"
    assert "hadir 170" in verdict.flags[0]["message"] and "155" in verdict.flags[0]["message"]


def test_turnout_above_dpt_is_held() -> None:
    verdict = check_result(tally({1: 100, 2: 50, 3: 50}, 4), dpt=200, paslon_numbers=PASLON)
    assert verdict.status == STATUS_REVIEW
    assert [f["code"] for f in verdict.flags] == ["partisipasi_lebih_100"]
    assert "Partisipasi 102,00 %" in verdict.flags[0]["message"]


def test_one_paslon_95_percent_at_95_percent_turnout_is_counted_but_janggal() -> None:
    verdict = check_result(tally({1: 190, 2: 5, 3: 0}, 0), dpt=200, paslon_numbers=PASLON)
    assert verdict.status == STATUS_COUNTED
    assert verdict.flags[0]["code"] == "janggal"
    assert verdict.flags[0]["message"] == "Paslon 1 meraih 97,44 % suara sah pada partisipasi 97,50 %."


def test_high_share_at_lower_turnout_is_not_janggal() -> None:
    verdict = check_result(tally({1: 150, 2: 5, 3: 0}, 0), dpt=200, paslon_numbers=PASLON)
    assert verdict.flags == []
