import pytest

from tui import i18n
from tui.i18n import t


def test_dutch_and_english_define_the_same_texts():
    assert i18n.keys("nl") == i18n.keys("en")


def test_dutch_is_the_default_and_english_can_follow():
    assert t("nav.worklist") == "Werkvoorraad"
    assert t("form.date_placeholder") == "JJJJ-MM-DD"
    i18n.set_language("en")
    assert t("nav.worklist") == "Worklist"
    assert i18n.get_language() == "en"


def test_texts_are_formatted_with_values():
    assert t("form.bounds", minimum=0, maximum=20) == "Tussen 0 en 20"


def test_unknown_key_shows_the_key_and_unknown_language_is_refused():
    assert t("no.such.key") == "no.such.key"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


@pytest.mark.parametrize("key", ["nav.worklist", "nav.task", "nav.dossier", "nav.new_case", "action.save",
                                 "action.cancel", "form.required", "form.date_hint", "error.conflict"])
def test_screens_find_their_texts(key):
    assert t(key) != key
