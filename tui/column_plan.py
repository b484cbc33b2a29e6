"""Which worklist columns show, and how wide, for the rows at hand and the terminal's width.

No Textual here, so the rule can be tested with the library's real task titles. The rule, in the
order caseworkers need things: the deadline, then the task title whole (it says what to do), then the
person's name (at least PERSON_MIN wide), then the masked BSN; then the name grows to PERSON_COMFORT;
then stage, role, assignee and case number as they fit; whatever space is left goes to the name, up
to its longest value. A column whose every cell is "–" (nobody claimed anything) takes no space.
Columns that do not fit come after the visible ones and scroll into view (left/right).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len

EMPTY = "–"
DEADLINE, TASK, PERSON, BSN = "col.deadline", "col.task", "col.person", "col.bsn"
STAGE, ROLE, ASSIGNEE, CASE = "col.stage", "col.role", "col.assignee", "col.case"
ORDER = (DEADLINE, TASK, PERSON, BSN, STAGE, ROLE, ASSIGNEE, CASE)
ALWAYS = (DEADLINE, TASK, PERSON)
PADDING = 2  # DataTable's cell padding, one cell either side
SCROLLBAR = 2  # room kept for the vertical scrollbar, so a long list does not push columns out
PERSON_MIN, PERSON_COMFORT, PERSON_MAX = 16, 24, 40
TASK_MAX, OTHER_MAX = 60, 16


def plan_columns(headers: Mapping[str, str], rows: Sequence[Mapping[str, str]],
                 width: int) -> list[tuple[str, int]]:
    """(column key, content width) in display order for `rows` (column key -> full cell text)."""
    keys = [k for k in ORDER if k in ALWAYS or any(row.get(k, EMPTY) != EMPTY for row in rows)]
    plan = _Plan({k: _natural(k, headers, rows) for k in keys}, width - SCROLLBAR)
    plan.place(DEADLINE)
    person_min = min(PERSON_MIN, plan.natural[PERSON])
    task = min(plan.natural[TASK], plan.room - PADDING - (person_min + PADDING))
    plan.place(TASK, max(task, cell_len(headers[TASK])))
    plan.place(PERSON, person_min)
    plan.place(BSN)
    plan.grow_person(PERSON_COMFORT)
    for key in (STAGE, ROLE, ASSIGNEE, CASE):
        plan.place(key)
    plan.grow_person(PERSON_MAX)
    return [(k, plan.widths[k]) for k in keys]


class _Plan:
    def __init__(self, natural: dict[str, int], room: int) -> None:
        self.natural, self.room = natural, room
        self.widths: dict[str, int] = {}
        self.overflowing = False  # once a column does not fit, it and every later one sit out of view

    def place(self, key: str, width: int | None = None) -> None:
        if key not in self.natural:
            return
        self.widths[key] = self.natural[key] if width is None else width
        if not self.overflowing and self.widths[key] + PADDING <= self.room:
            self.room -= self.widths[key] + PADDING
        else:
            self.overflowing = True

    def grow_person(self, up_to: int) -> None:
        if self.room <= 0:
            return
        grow = max(0, min(self.room, min(up_to, self.natural[PERSON]) - self.widths[PERSON]))
        self.widths[PERSON] += grow
        self.room -= grow


def _natural(key: str, headers: Mapping[str, str], rows: Sequence[Mapping[str, str]]) -> int:
    longest = max([cell_len(headers[key])] + [cell_len(row.get(key, EMPTY)) for row in rows])
    cap = {TASK: TASK_MAX, PERSON: PERSON_MAX}.get(key, OTHER_MAX)
    return min(longest, cap)


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis."""
    if cell_len(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        if used + cell_len(ch) > width - 1:
            break
        out += ch
        used += cell_len(ch)
    return out + "…"
