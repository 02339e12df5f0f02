"""Small builders of form parts shared by the entry forms: a labelled field, a row of fields, a number, a choice."""

from __future__ import annotations

from typing import Any

from dash import dcc, html


def field(label: str, control: Any, for_id: str, hint: str | None = None) -> html.Div:
    """A labelled control, with an optional hint under it."""
    parts: list[Any] = [html.Label(label, htmlFor=for_id), control]
    if hint:
        parts.append(html.Small(hint, className="muted"))
    return html.Div(parts, className="field")


def row(*fields: Any) -> html.Div:
    """Fields side by side (wrapping on narrow screens)."""
    return html.Div(list(fields), className="kj-fields")


def options(choices: dict[str, str]) -> list[dict[str, str]]:
    """Code → text as dropdown options."""
    return [{"label": text, "value": code} for code, text in choices.items()]


def number(el_id: Any, label: str, hint: str | None = None) -> html.Div:
    """A whole-number field."""
    for_id = el_id if isinstance(el_id, str) else None
    control = dcc.Input(id=el_id, type="number", min=0, step=1, inputMode="numeric", className="number-input")
    return field(label, control, for_id, hint)


def choice(el_id: str, label: str, options: list, placeholder: str, **kwargs: Any) -> html.Div:
    """A searchable dropdown."""
    return field(label, dcc.Dropdown(id=el_id, options=options, placeholder=placeholder, **kwargs), el_id)
