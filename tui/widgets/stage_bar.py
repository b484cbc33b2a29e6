"""`StageBar`: the stages of a case in order, the ones behind it ticked and the current one marked.

    ✓intake → ✓inburgering → workshop → ondertekening → monitoring → afgesloten

At most 77 columns (monitoring current), so it fits one line at 80.
"""
from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.format import STAGES, stage_label


class StageBar(Widget):
    DEFAULT_CSS = """
    StageBar { height: auto; width: 100%; }
    """

    stage: reactive[str | None] = reactive(None)

    def __init__(self, stage: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(StageBar.stage, stage)

    def render(self) -> Content:
        current = STAGES.index(self.stage) if self.stage in STAGES else -1
        parts: list[Content] = []
        for index, stage in enumerate(STAGES):
            label = stage_label(stage)
            if index < current:
                parts.append(Content.styled(f"✓{label}", "$text-success"))
            elif index == current:
                parts.append(Content.styled(label, "bold reverse $accent"))
            else:
                parts.append(Content.styled(label, "$text-muted"))
        bar = Content(" → ").join(parts)
        if current < 0 and self.stage:  # a stage this bar does not know: say so rather than hide it
            bar = Content.assemble(bar, "  (", (self.stage, "bold"), ")")
        return bar
