"""Name folding across scripts and the light word normalisation of the thread engine."""

from __future__ import annotations

import pytest

from briefing.threads.text import is_cyrillic, is_title_case, name_key, name_tokens, word_key


@pytest.mark.parametrize(
    ("ru", "en"),
    [
        ("Алиев", "Aliyev"),
        ("Алиева", "Aliyev"),
        ("Баку", "Baku"),
        ("Ереван", "Yerevan"),
        ("Карабах", "Karabakh"),
        ("Карабаха", "Qarabağ"),
        ("Екатеринбурге", "Yekaterinburg"),
        ("Сафаровых", "Safarov"),
        ("Зияддин", "Ziyaddin"),
        ("Гусейн", "Huseyn"),
        ("Азербайджана", "Azerbaijan"),
        ("Ильхам", "Ilham"),
        ("России", "Russia"),
        ("Москве", "Moscow"),
        ("Пашинян", "Pashinyan"),
        ("Тбилиси", "Tbilisi"),
    ],
)
def test_names_fold_across_scripts(ru: str, en: str) -> None:
    assert name_key(ru) == name_key(en)


def test_different_names_stay_different() -> None:
    keys = {name_key(n) for n in ("Baku", "Yerevan", "Tbilisi", "Moscow", "Aliyev", "Putin")}
    assert len(keys) == 6
    assert name_key("Russian") == name_key("Russia")  # demonym -> country


def test_name_tokens_skip_sentence_openers_and_titles() -> None:
    keys = name_tokens("Officials met in Baku. President Ilham Aliyev spoke to Sputnik.")
    assert keys == [name_key("Baku"), name_key("Ilham"), name_key("Aliyev"), name_key("Sputnik")]
    assert name_key("President") is None  # a title, not a name


def test_word_keys() -> None:
    assert word_key("the") is None and word_key("который") is None  # stop words
    assert word_key("Crashes") == word_key("crash")
    assert word_key("protesters") == word_key("protester")
    assert word_key("8243") == "8243"
    assert word_key("переговоры") == word_key("переговоров")


def test_script_and_headline_style() -> None:
    assert is_cyrillic("Пашинян прибыл в Москву")
    assert not is_cyrillic("Pashinyan arrives in Moscow")
    assert is_title_case("Deutsche Bank Sees The Fed Focusing On Five Labor Market Indicators")
    assert not is_title_case("Georgian police disperse protesters outside parliament")
