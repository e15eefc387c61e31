"""`check_text` refuses exactly the C0 controls but tab, newline and CR (and DEL), naming the
field and the first one; `strings_in` finds every string of a nested value."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purldesk.domain.errors import InvalidInput
from purldesk.domain.text import check_text, strings_in

REFUSED = frozenset(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))


@given(st.text())
def test_text_is_refused_exactly_when_it_holds_a_refused_character(text: str) -> None:
    bad = [i for i, c in enumerate(text) if c in REFUSED]
    if not bad:
        assert check_text("purpose", text) is text
        return
    with pytest.raises(InvalidInput) as caught:
        check_text("purpose", text)
    assert caught.value.field == "purpose"
    assert f"U+{ord(text[bad[0]]):04X}" in caught.value.message


@given(st.text(alphabet=st.sampled_from("ab\t\n\r\u00a0\u2028é")))
def test_tab_newline_carriage_return_and_other_unicode_are_text(text: str) -> None:
    assert check_text("note", text) == text


def test_the_position_is_a_character_or_a_line_and_column() -> None:
    with pytest.raises(InvalidInput, match="U\\+0000 at character 3;"):
        check_text("f", "ab\x00")
    with pytest.raises(InvalidInput, match="U\\+001B at line 2, column 4;"):
        check_text("f", "one\ntwo\x1b")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=10,
)


def _at(value: Any, where: tuple[str | int, ...]) -> Any:
    for part in where:
        value = value[part]
    return value


@given(json_values)
def test_each_string_found_is_at_its_path_or_is_its_last_key(value: Any) -> None:
    for where, text in strings_in(value):
        assert _at(value, where) == text or (where and where[-1] == text)


def test_strings_in_finds_values_and_keys_at_any_depth() -> None:
    value = {"lines": [{"ref": "L-1", "rank": 1}, ("a", None)], "n": 2}
    assert sorted(strings_in(value), key=repr) == sorted(
        [(("lines",), "lines"), (("lines", 0, "ref"), "ref"), (("lines", 0, "ref"), "L-1"),
         (("lines", 0, "rank"), "rank"), (("lines", 1, 0), "a"), (("n",), "n")],
        key=repr,
    )  # fmt: skip
