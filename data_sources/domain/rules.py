"""Domain rules for a TPS result (DESIGN §5): rejected, held for review, or counted and maybe unusual.

Pure functions: no database, no Flask. Every way a result enters the store goes through `check_result`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from data_sources.domain.fmt import fmt_int, fmt_pct
from data_sources.domain.inputs import TALLY_NUMBERS, TallyIn
from data_sources.domain.limits import MAX_DPT_PER_TPS as MAX_DPT_PER_TPS

BALLOT_RESERVE = 0.025
JANGGAL_SHARE = 0.95
JANGGAL_TURNOUT = 0.95

STATUS_COUNTED = "dihitung"
STATUS_REVIEW = "perlu_dicek"
_NUMBERS = TallyIn.part(*TALLY_NUMBERS)


def ballots_printed(dpt: int) -> int:
    """Ballots printed for a TPS: DPT plus a 2.5 % reserve, rounded up."""
    return math.ceil(dpt * (1 + BALLOT_RESERVE) - 1e-9)


@dataclass(frozen=True)
class Flag:
    """A reason a result is held or marked, in words an operator understands."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The flag as stored and sent (code, message)."""
        return {"code": self.code, "message": self.message}


@dataclass
class Verdict:
    """What the rules say of a result: field errors (rejected), hold reasons, unusual marks."""

    errors: dict[str, str] = field(default_factory=dict)
    holds: list[Flag] = field(default_factory=list)
    marks: list[Flag] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        """True when the result must not be stored."""
        return bool(self.errors)

    @property
    def status(self) -> str:
        """`perlu_dicek` when held for review, else `dihitung`."""
        return STATUS_REVIEW if self.holds else STATUS_COUNTED

    @property
    def flags(self) -> list[dict[str, str]]:
        """Hold reasons and unusual marks, as stored."""
        return [f.as_dict() for f in [*self.holds, *self.marks]]


@dataclass(frozen=True)
class Tally:
    """The numbers of one C1 form, already parsed to integers."""

    votes: dict[int, int]
    suara_tidak_sah: int
    suara_sah: int | None = None
    pengguna_hak_pilih: int | None = None

    @property
    def total_sah(self) -> int:
        """Valid votes as the sum of the paslon votes."""
        return sum(self.votes.values())


def tally_of(numbers: Any) -> Tally:
    """The Tally of validated numbers (a `TallyIn`, or the part of it holding the numbers)."""
    votes = {int(nomor): count for nomor, count in numbers.votes.items()}
    return Tally(votes, numbers.suara_tidak_sah, numbers.suara_sah, numbers.pengguna_hak_pilih)


def parse_tally(
    votes: Any, suara_tidak_sah: Any, suara_sah: Any = None, pengguna_hak_pilih: Any = None
) -> tuple[Tally | None, dict[str, str]]:
    """Parse raw numbers (from JSON, CSV or a form) into a Tally, or return errors per field (as `TallyIn` reads
    them: the same checks and messages)."""
    given = {"votes": votes, "suara_tidak_sah": suara_tidak_sah}
    numbers, errors = _NUMBERS.check({**given, "suara_sah": suara_sah, "pengguna_hak_pilih": pengguna_hak_pilih})
    return (tally_of(numbers), {}) if numbers is not None else (None, errors)


def check_result(tally: Tally, dpt: int, paslon_numbers: frozenset[int] | set[int]) -> Verdict:
    """Apply DESIGN §5 to a parsed tally of a TPS with `dpt` voters in a contest with these paslon."""
    verdict = Verdict()
    unknown = sorted(set(tally.votes) - paslon_numbers)
    for nomor in unknown:
        verdict.errors[f"votes.{nomor}"] = f"paslon nomor {nomor} tidak ada dalam kontestasi ini"
    missing = sorted(paslon_numbers - set(tally.votes))
    for nomor in missing:
        verdict.errors[f"votes.{nomor}"] = f"suara paslon nomor {nomor} belum diisi"
    ballots = tally.total_sah + tally.suara_tidak_sah
    printed = ballots_printed(dpt)
    if ballots > printed:
        verdict.errors["suara_tidak_sah"] = (
            f"surat suara terpakai ({fmt_int(ballots)} = sah {fmt_int(tally.total_sah)} + tidak sah "
            f"{fmt_int(tally.suara_tidak_sah)}) melebihi surat suara tercetak {fmt_int(printed)} "
            f"(DPT {fmt_int(dpt)} + 2,5 %)"
        )
    if verdict.rejected:
        return verdict

    if tally.suara_sah is not None and tally.suara_sah != tally.total_sah:
        verdict.holds.append(
            Flag(
                "sah_tidak_cocok",
                f"Suara sah tertulis {fmt_int(tally.suara_sah)}, tetapi jumlah suara paslon "
                f"{fmt_int(tally.total_sah)}.",
            )
        )
    if tally.pengguna_hak_pilih is not None and tally.pengguna_hak_pilih != ballots:
        verdict.holds.append(
            Flag(
                "pemilih_tidak_cocok",
                f"Pemilih yang hadir {fmt_int(tally.pengguna_hak_pilih)}, tetapi suara sah + tidak sah "
                f"{fmt_int(ballots)}.",
            )
        )
    voters = tally.pengguna_hak_pilih if tally.pengguna_hak_pilih is not None else ballots
    if dpt > 0 and voters > dpt:
        verdict.holds.append(
            Flag(
                "partisipasi_lebih_100",
                f"Partisipasi {fmt_pct(voters / dpt)}: {fmt_int(voters)} pemilih hadir dari DPT {fmt_int(dpt)}.",
            )
        )
    if tally.total_sah > 0 and dpt > 0 and voters / dpt >= JANGGAL_TURNOUT:
        nomor, top = max(tally.votes.items(), key=lambda kv: kv[1])
        if top / tally.total_sah >= JANGGAL_SHARE:
            verdict.marks.append(
                Flag(
                    "janggal",
                    f"Paslon {nomor} meraih {fmt_pct(top / tally.total_sah)} suara sah pada partisipasi "
                    f"{fmt_pct(voters / dpt)}.",
                )
            )
    return verdict
