"""`RowTable`: a (fitted) DataTable with a row cursor whose `enter` shows in the footer (DataTable hides it)."""
from __future__ import annotations

from textual.binding import Binding

from tui.widgets.fitted_table import FittedTable


class RowTable(FittedTable):
    def __init__(self, open_text: str, open_help: str = "", **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)
        # Replace, not add: the first binding of a key is the one the footer shows.
        self._bindings.key_to_bindings["enter"] = [
            Binding("enter", "select_cursor", open_text, show=True, tooltip=open_help)
        ]
