"""The case's path through its process as a compact vertical list (the dossier's "Verloop"): done
steps ticked, the current task marked, and what comes next, each uncertain step said to be uncertain.
The steps come from the engine (engine/case_path.py); here they only get their marks and words."""
from __future__ import annotations

from textual.content import Content

from tui.i18n import t

MARKS = {"done": "✓", "current": "▶", "waiting": "…", "error": "✗", "next": "→", "default": "?", "possible": "?"}
STYLES = {"done": "$text-muted", "current": "bold", "waiting": "", "error": "bold $text-error", "next": "",
          "default": "italic $text-muted", "possible": "italic $text-muted"}


def path_line(step) -> Content:
    """'  ▶ Intakegesprek voeren · klantmanager'; an uncertain step ends in '(mogelijk)'."""
    title = t("path.wait", title=step.title) if step.kind == "wait" else \
        t("path.end", title=step.title) if step.kind == "end" else step.title
    if step.times > 1:
        title += f" ×{step.times}"
    parts: list = ["  " * step.depth, (MARKS.get(step.state, "·"), STYLES.get(step.state, "")), " ",
                   (title, "bold" if step.kind == "part" and step.state == "current" else STYLES.get(step.state, ""))]
    if step.role and step.kind == "task" and step.state in ("current", "next", "error"):
        parts += [" · ", (step.role, "$text-muted")]
    note = {"next": "path.next", "default": "path.default", "possible": "path.possible"}.get(step.state)
    if note:
        parts += [" ", (t(note), "$text-muted")]
    return Content.assemble(*parts)


def render_path(steps) -> Content:
    if not steps:
        return Content(t("path.none"))
    lines = [path_line(step) for step in steps]
    if any(step.state in ("default", "possible") for step in steps):
        lines.append(Content.styled(t("path.legend"), "$text-muted"))
    return Content("\n").join(lines)
