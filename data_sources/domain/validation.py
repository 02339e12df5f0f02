"""Reading input through its model: the base of every input model and the one translation of pydantic's errors
into a message per field, in words an operator understands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from data_sources.domain.fields import PATTERN_PROBLEMS
from data_sources.domain.fmt import fmt_int
from data_sources.errors import INVALID, FieldErrors

MOMENT = "format waktu harus ISO 8601 dengan zona, mis. 2024-11-27T14:05:00+07:00"
COUNT = "harus bilangan bulat tidak negatif"
MESSAGES = {
    "missing": "wajib diisi",
    "int_type": COUNT,
    "int_from_float": COUNT,
    "int_parsing": COUNT,
    "int_parsing_size": "angka terlalu besar",
    "string_type": "harus teks",
    "string_too_short": "wajib diisi",
    "string_pattern_mismatch": "format tidak sah",
    "dict_type": "harus objek JSON",
    "model_type": "harus objek JSON",
    "model_attributes_type": "harus objek JSON",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "float_type": "harus angka",
    "float_parsing": "harus angka",
    "finite_number": "harus angka terhingga",
    "datetime_type": MOMENT,
    "datetime_parsing": MOMENT,
    "datetime_from_date_parsing": MOMENT,
    "timezone_aware": "zona waktu wajib, mis. +07:00",
    "too_short": "tidak boleh kosong",
}


class FieldProblem(ValueError):
    """Raised by a model's own (cross-field) check to name the field it is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _number(value: Any) -> str:
    return fmt_int(value) if isinstance(value, int) else f"{value:g}".replace(".", ",")


def _choices(model: type[BaseModel] | None, name: str) -> tuple[Any, ...]:
    """The values a Literal field of `model` takes (none for other fields)."""
    field = model.model_fields.get(name) if model is not None else None
    if field is None or get_origin(field.annotation) is not Literal:
        return ()
    return get_args(field.annotation)


def _message(error: Any, name: str, model: type[BaseModel] | None) -> str:
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_PROBLEMS:
        return PATTERN_PROBLEMS[ctx["pattern"]](given)
    if kind == "value_error":
        return str(ctx.get("error") or error["msg"])
    if kind == "extra_forbidden":
        return getattr(model, "unknown", None) or "kolom tidak dikenal"
    if kind == "missing" and _choices(model, name):
        return f"wajib diisi: salah satu dari {', '.join(map(str, _choices(model, name)))}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        if given in (None, ""):
            return f"wajib diisi: salah satu dari {expected}"
        return f"harus salah satu dari: {expected}"
    if kind == "greater_than_equal":
        return "tidak boleh negatif" if ctx.get("ge") == 0 else f"paling sedikit {_number(ctx.get('ge'))}"
    if kind == "greater_than":
        return f"harus lebih dari {_number(ctx.get('gt'))}"
    if kind == "less_than_equal":
        return f"angka terlalu besar (paling banyak {_number(ctx.get('le'))})"
    if kind == "string_too_long":
        size = f" (ada {fmt_int(len(given))})" if isinstance(given, str) else ""
        return f"paling banyak {fmt_int(ctx.get('max_length'))} karakter{size}"
    if kind == "too_long":
        return f"paling banyak {fmt_int(ctx.get('max_length'))} isian"
    return MESSAGES.get(kind, "tidak sah")


def field_name(error: Any) -> str:
    """The dotted path of the field an error is about ("votes.3"), "body" for the whole input."""
    problem = (error.get("ctx") or {}).get("error")
    loc = [str(p) for p in error["loc"] if p != "[key]"]  # "[key]": the key of `votes` itself was wrong
    if isinstance(problem, FieldProblem):
        loc.append(problem.field)
    return ".".join(loc) or "body"


def messages(exc: ValidationError, model: type[BaseModel] | None = None) -> dict[str, str]:
    """One Indonesian message per field (dotted path) from a pydantic validation error, the first per field."""
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = field_name(error)
        errors.setdefault(name, _message(error, name, model))
    return errors


class Input(BaseModel):
    """An input model: what one write (or query) accepts; unknown keys are refused unless the model says so."""

    model_config = ConfigDict(extra="forbid")
    unknown: ClassVar[str] = "kolom tidak dikenal"  # the message for a key the model does not know

    @classmethod
    def check(cls, data: Any) -> tuple[Self | None, dict[str, str]]:
        """The input as this model, or None and a message per bad field."""
        try:
            return cls.model_validate(data), {}
        except ValidationError as exc:
            return None, messages(exc, cls)

    @classmethod
    def parse(cls, data: Any, error: type[FieldErrors] = FieldErrors, summary: str = INVALID) -> Self:
        """The input as this model; raises `error` (a FieldErrors) naming each bad field."""
        model, errors = cls.check(data)
        if model is None:
            raise error(errors, summary)
        return model

    @classmethod
    def part(cls, *names: str) -> type[Input]:
        """A model of only these fields, each checked exactly as here (for callers that hold only some of them);
        the model's own cross-field checks are not part of it."""
        key = (cls, names)
        if key not in _PARTS:
            fields: dict[str, Any] = {n: (cls.model_fields[n].annotation, cls.model_fields[n]) for n in names}
            _PARTS[key] = create_model(f"{cls.__name__}Part", __base__=Input, __module__=cls.__module__, **fields)
        return _PARTS[key]


_PARTS: dict[tuple[type[Input], tuple[str, ...]], type[Input]] = {}


def only_known(model: type[BaseModel], data: Any) -> Any:
    """`data` without the keys `model` does not know (for callers whose extra keys were always ignored)."""
    if not isinstance(data, Mapping):
        return data
    return {k: v for k, v in data.items() if k in model.model_fields}
