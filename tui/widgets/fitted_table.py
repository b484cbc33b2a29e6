"""`FittedTable`: Textual's DataTable, redrawn once it has fitted its columns to new rows.

The DataTable measures the rows added since its last idle moment, and widens its columns then. Lines
it drew before that moment stay in its render caches, keyed without the column widths, so they
are shown again at the old widths (Textual issue #3533). On a busy machine the screen is drawn
before the table's idle moment, and a freshly filled table showed its columns at their header
widths, cutting every value short, until the cursor moved.
"""
from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class FittedTable(DataTable):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.content_width for column in self.columns.values()]
        super()._update_dimensions(new_rows)
        if [column.content_width for column in self.columns.values()] != before:
            self._clear_caches()  # private, and the only way to drop the lines drawn at the old widths
            self.refresh()
