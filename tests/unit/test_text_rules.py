"""Citizen text: markup dropped, words kept, personal data masked for the public."""

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.rules.text import EMAIL_MASK, PHONE_MASK, clean_text, fold, has_diacritics, mask_personal_data


def test_clean_text_drops_tags_and_scripts_but_keeps_words():
    raw = "<p>Ổ gà <b>lớn</b></p><script>alert('x')</script><style>p{}</style> ở &amp; đường"
    assert clean_text(raw) == "Ổ gà lớn ở & đường"


def test_clean_text_removes_control_characters_and_tidies_spaces():
    assert clean_text("  Rác\x00  thải\t\tbốc   mùi \r\n\r\n\r\n\r\nđêm qua ") == "Rác thải bốc mùi\n\nđêm qua"


def test_clean_text_normalises_to_nfc():
    decomposed = "Hue\u0301"  # 'Huế' typed with a combining accent
    assert clean_text(decomposed) == "Hué"


@given(st.text(max_size=300))
def test_clean_text_leaves_no_control_characters_or_outer_spaces(raw):
    text = clean_text(raw)
    assert text == text.strip()
    assert not any(ord(c) < 32 and c != "\n" for c in text)
    assert "\n\n\n" not in text


@given(st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=200))
def test_clean_text_of_plain_text_is_idempotent(raw):
    once = clean_text(raw)
    assert clean_text(once) == once


def test_mask_hides_vietnamese_phone_numbers_in_all_usual_spellings():
    for phone in ["0905123456", "0905 123 456", "0905.123.456", "+84 905 123 456", "84905123456", "0262-3812345"]:
        masked = mask_personal_data(f"Gọi tôi số {phone} nhé")
        assert phone not in masked, phone
        assert PHONE_MASK in masked


def test_mask_hides_email_addresses():
    masked = mask_personal_data("Liên hệ nguyen.van.an+pa@gmail.com giúp")
    assert "gmail" not in masked and EMAIL_MASK in masked


def test_mask_keeps_ordinary_numbers():
    text = "Ổ gà sâu 30 cm trên Quốc lộ 14, km 1234"
    assert mask_personal_data(text) == text


def test_fold_and_diacritics():
    assert fold("Cháy nhà Đường") == "chay nha duong"
    assert has_diacritics("cháy")
    assert not has_diacritics("chay nha")
