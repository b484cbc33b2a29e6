"""The footer of every screen: Textual's, without the palette's key where the screen's own keys need the line."""
from __future__ import annotations

from textual import events
from textual.widgets import Footer

WIDE = 100  # columns from which the palette's key ("^p menu") is shown too


class AppFooter(Footer):
    """Below 100 columns the screen's keys fill the line, and the palette's key drawn over them garbled
    both ("r V▏^p menun" at 80): it is left out there; ctrl+p still opens the palette."""

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE
        if self.show_command_palette != wide:
            self.show_command_palette = wide
