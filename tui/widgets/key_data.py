"""The case's key data as aligned "label  value" lines, for the task form's side panel and the dossier."""
from __future__ import annotations

from datetime import datetime

from textual.content import Content

from tui.format import days_left_text, fmt_date, scalar_items, stage_label
from tui.i18n import t

# Shown in their own lines above the data, so not repeated among the data items.
_SHOWN = {"naam", "bsn", "voornamen", "achternaam"}


def key_rows(case, now: datetime, *, with_data: bool = True, bsn: str | None = None,
             labels: dict | None = None) -> list[tuple[str, str]]:
    """(label, value) rows: person, gemeente, stage, deadline, process, then the case data's scalars."""
    summary = case.summary
    deadline = fmt_date(summary.deadline) if summary.deadline else t("dossier.no_deadline")
    if summary.deadline:
        deadline += f" ({days_left_text(summary.deadline, now)})"
    rows = [
        (t("dossier.name"), summary.person_name or "–"),
        (t("col.bsn"), bsn if bsn is not None else (summary.bsn or "–")),
        (t("col.gemeente"), summary.gemeente),
        (t("dossier.stage"), stage_label(summary.stage)),
        (t("col.status"), t(f"status.{summary.status}")),
        (t("dossier.deadline"), deadline),
        (t("dossier.process"), t("dossier.version", process=summary.process_id, version=summary.definition_version)),
    ]
    if with_data:
        data = {k: v for k, v in case.data.items() if k not in _SHOWN}
        rows += scalar_items(data, labels=labels)
    return rows


def render_rows(rows: list[tuple[str, str]], label_width: int = 16) -> Content:
    width = min(max((len(label) for label, _ in rows), default=0), label_width)
    lines = [Content.assemble((f"{_fit(label, width):<{width}}", "$text-muted"), "  ", value) for label, value in rows]
    return Content("\n").join(lines)


def _fit(label: str, width: int) -> str:
    """A label cut to `width` says so with an ellipsis ("Datum inburgeringsplic" read as a whole word)."""
    return label if len(label) <= width else label[: width - 1] + "…"

