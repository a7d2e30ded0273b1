import pytest
from hypothesis import given
from hypothesis import strategies as st

from complygraph.identifiers import InvalidIdentifier, name_key, normalise_cas, normalise_ec, split_identifiers


@pytest.mark.parametrize("cas", ["7439-92-1", "117-81-7", "84852-53-9", "1478-61-1", "110-54-3", "7732-18-5"])
def test_real_cas_numbers_are_accepted(cas):
    assert normalise_cas(cas) == cas


def test_cas_with_leading_zeros_and_spaces_is_canonicalised():
    assert normalise_cas(" 0007439-92-1\u00a0") == "7439-92-1"


@pytest.mark.parametrize("bad, reason", [
    ("7439-92-2", "check digit 2, expected 1"),
    ("117-81-8", "check digit"),
    ("7439921", "not a CAS number"),
    ("1-81-7", "not a CAS number"),
    ("abc-de-f", "not a CAS number"),
])
def test_wrong_cas_numbers_are_refused_with_the_reason(bad, reason):
    with pytest.raises(InvalidIdentifier, match=reason):
        normalise_cas(bad)


@given(st.integers(min_value=1000, max_value=999_999_999), st.integers(min_value=1, max_value=9))
def test_every_wrong_check_digit_is_caught(number, delta):
    digits = str(number)
    body = f"{digits[:-2]}-{digits[-2:]}"
    check = sum((i + 1) * int(d) for i, d in enumerate(digits[::-1])) % 10
    assert normalise_cas(f"{body}-{check}") == f"{int(digits[:-2])}-{digits[-2:]}-{check}"
    with pytest.raises(InvalidIdentifier):
        normalise_cas(f"{body}-{(check + delta) % 10}")


@pytest.mark.parametrize("ec", ["203-777-6", "231-100-4", "284-366-9", "216-036-7"])
def test_real_ec_numbers_are_accepted(ec):
    assert normalise_ec(ec) == ec


def test_ec_check_digit_is_verified():
    with pytest.raises(InvalidIdentifier, match="check digit"):
        normalise_ec("203-777-5")


def test_echa_list_numbers_have_no_check_digit_rule():
    assert normalise_ec("700-960-7") == "700-960-7"


def test_cells_with_several_identifiers_are_split():
    assert split_identifiers("10124-36-4, 31119-53-6") == ["10124-36-4", "31119-53-6"]
    assert split_identifiers("10588-01-9\n7789-12-0") == ["10588-01-9", "7789-12-0"]
    assert split_identifiers("-") == []


def test_name_keys_ignore_case_and_whitespace_but_not_content():
    assert name_key("Boric  acid\n") == name_key("boric acid")
    assert name_key("boric acid") != name_key("boric acids")
