"""How values read on screen: masked BSNs, Dutch dates, days left, stage and event labels.

No Textual here, so the rules can be tested (and reused) without an app. Times arrive as aware UTC
datetimes from the engine and are shown in the municipality's time zone.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tui.i18n import t
from tui.numbers import format_number

LOCAL = ZoneInfo("Europe/Amsterdam")
STAGES = ("intake", "inburgering", "workshop", "ondertekening", "monitoring", "afgesloten")
DUE_SOON = timedelta(days=3)
"""A task due within this time is highlighted as "due soon"."""

OVERDUE, DUE_SOON_STATE = "overdue", "due-soon"
TECHNICAL_ROLES = frozenset({"coordinator", "ontwerper", "beheerder"})
"""Roles that see an incident's technical message (the expression error); others get a plain sentence."""


def sees_technical(user) -> bool:
    return bool(user and TECHNICAL_ROLES & set(user.roles))


def mask_bsn(bsn: str | None) -> str:
    """Only the last three digits, as lists must show it: '123456782' -> '******782'."""
    if not bsn:
        return ""
    text = str(bsn)
    return "*" * max(len(text) - 3, 0) + text[-3:]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str) -> date | None:
    """A date as a caseworker types it: '2026-12-09', or in Dutch order '9-12-2026' (also 9/12/2026 or
    9.12.2026); None when it is neither."""
    text = text.strip()
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        found = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        return date(int(found[3]), int(found[2]), int(found[1])) if found else None
    except ValueError:
        return None


def short_id(case_id: str | None) -> str:
    return (case_id or "")[:8]


def local(value: datetime) -> datetime:
    return value.astimezone(LOCAL) if value.tzinfo else value


def fmt_date(value: datetime | None) -> str:
    return local(value).strftime("%d-%m-%Y") if value else "–"


def fmt_short_date(value: datetime | None) -> str:
    """dd-mm-jj: lists are narrow."""
    return local(value).strftime("%d-%m-%y") if value else "–"


def fmt_datetime(value: datetime | None) -> str:
    return local(value).strftime("%d-%m-%Y %H:%M") if value else "–"


def urgency(due: datetime | None, now: datetime) -> str | None:
    """'overdue' once the due time has passed, 'due-soon' within DUE_SOON of it, else None."""
    if due is None:
        return None
    if due < now:
        return OVERDUE
    if due - now <= DUE_SOON:
        return DUE_SOON_STATE
    return None


def days_left(deadline: datetime, now: datetime) -> int:
    """Whole calendar days from today to the deadline's day (negative when it has passed)."""
    return (local(deadline).date() - local(now).date()).days


def days_left_text(deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return ""
    days = days_left(deadline, now)
    if days == 0:
        return t("days.today")
    if days > 0:
        return t("days.left_one") if days == 1 else t("days.left", days=days)
    return t("days.overdue_one") if days == -1 else t("days.overdue", days=-days)


def stage_label(stage: str | None) -> str:
    if not stage:
        return "–"
    return t(f"stage.{stage}") if stage in STAGES else stage


def humanize(name: str | None) -> str:
    """A readable name for a BPMN element or data key: 'Task_DuoRegistratie' -> 'Duo registratie',
    'datum_vestiging' -> 'Datum vestiging'."""
    if not name:
        return t("dossier.unknown_task")
    text = re.sub(r"^(Task|Activity|UserTask|Event)_", "", name)
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text).replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower() if text else name


def event_text(event_type: str, task: str | None, data: dict | None, title: str | None = None) -> str:
    """What happened, in a caseworker's words; `title`: the task's name in the process, when known."""
    key = f"event.{event_type}"
    data = data or {}
    if event_type == "note_added" and data.get("corrects"):
        key = "event.note_correction"
    elif event_type == "note_added" and not data.get("text"):
        key = "event.note_erased"  # the erasure removed the note's text; the event stays in the chain
    text = t(key, task=title or humanize(task), message=data.get("message", ""), text=data.get("text", ""),
             seq=data.get("corrects", ""))
    return event_type.replace("_", " ") if text == key else text


def scalar_items(data: dict, limit: int = 14, labels: dict | None = None) -> list[tuple[str, str]]:
    """The case data worth a glance, in the data's order: short values and lists of them, named by
    their form titles (`labels`: engine FieldLabel per key) and choices shown by their titles."""
    labels = labels or {}
    items = []
    for key, value in data.items():
        if key.startswith("_") or isinstance(value, dict) or value is None:
            continue
        if isinstance(value, list) and not all(isinstance(v, (str, int, float, bool)) for v in value):
            continue
        label = labels.get(key)
        shown = ", ".join(_shown(v, label) for v in value) if isinstance(value, list) else _shown(value, label)
        if len(shown) > 60:
            shown = shown[:59] + "…"
        items.append(((label.title if label and label.title else None) or humanize(key), shown or "–"))
        if len(items) >= limit:
            break
    return items


def _shown(value, label) -> str:
    option = label.option_title(value) if label else None
    if option:
        return option
    if isinstance(value, bool):
        return t("action.yes") if value else t("action.no")
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):  # a date, as the app shows dates
        return f"{value[8:10]}-{value[5:7]}-{value[:4]}"
    return format_number(value)  # 0.5 reads "0,5"; text passes through unchanged


def truncate(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
