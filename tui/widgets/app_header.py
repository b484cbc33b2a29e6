"""`AppHeader`: two lines at the top of every screen, saying where you are and who you are.

    Traject · Werkvoorraad                                   anna
    Rollen: klantmanager, trainer · Gemeenten: GM0363, GM0344

Attributes down: the screen sets `location`, the app sets `user` (a UserInfo, or None while unknown).
"""
from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.i18n import t


class AppHeader(Widget):
    DEFAULT_CSS = """
    AppHeader { height: 2; background: $panel; color: $foreground; padding: 0 1; }
    """

    location: reactive[str] = reactive("")
    user = reactive(None, always_update=True)
    user_name: reactive[str] = reactive("")

    def __init__(self, location: str = "", user=None, user_name: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(AppHeader.location, location)
        self.set_reactive(AppHeader.user, user)
        self.set_reactive(AppHeader.user_name, user_name)

    def render(self) -> Content:
        width = max(self.content_size.width, 20)
        title = Content.assemble(("Traject", "bold"), " · ", (self.location, "bold $accent"))
        # Until the directory answered, the login alone: "(onbekende gebruiker)" flashed at every start. A
        # user the directory does not know gets its own screen (tui/screens/unknown_user.py).
        who = self.user.name if self.user else self.user_name
        gap = max(width - title.cell_length - len(who), 1)
        first = Content.assemble(title, " " * gap, (who, "bold"))
        second = Content.styled(self._identity_line(), "$text-muted")
        return Content("\n").join([first.truncate(width), second])

    def _identity_line(self) -> str:
        if self.user is None:
            return ""
        return identity_line(self.user.roles, self.user.gemeenten, max(self.content_size.width, 20))


def identity_line(roles, gemeenten, width: int) -> str:
    """"Rollen: a, b · Gemeenten: X, Y", shortening the longer list to "a, +2" until it fits."""
    roles, gemeenten = list(roles), list(gemeenten)
    shown_roles, shown_gemeenten = len(roles), len(gemeenten)

    def text() -> str:
        return (f"{t('header.roles')}: {_listed(roles, shown_roles)} · "
                f"{t('header.gemeenten')}: {_listed(gemeenten, shown_gemeenten)}")

    while len(text()) > width and (shown_roles > 1 or shown_gemeenten > 1):
        if shown_roles >= shown_gemeenten and shown_roles > 1:
            shown_roles -= 1
        else:
            shown_gemeenten -= 1
    return _truncate(text(), width)


def _listed(items: list[str], shown: int) -> str:
    if not items:
        return t("header.none")
    rest = len(items) - shown
    return ", ".join(items[:shown]) + (f" +{rest}" if rest else "")


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
