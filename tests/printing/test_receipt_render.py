"""Receipts render to ESC/POS bytes that print the right text, widths and QR code.

The checks read the bytes back through the preview interpreter and zxing-cpp, so they test what
the paper would show, not how the renderer is written.
"""

from __future__ import annotations

import string

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk.printing.escpos_render import printable_text, render_escpos
from kiosk.printing.preview import (
    QRSymbol,
    TextLine,
    UnsupportedCommand,
    read_paper,
    receipt_text,
    render_preview,
)
from kiosk.printing.profiles import (
    DEFAULT_PROFILE,
    EXAMPLE_58MM_PROFILE,
    PrinterProfileError,
    printer_profile,
)
from kiosk.printing.receipt import Cut, FloorChange, Picture, QRCode, Receipt, Spacer, Text, Title
from tests.printing.printing_helpers import PHONE_LINK, floor_map, spanish_directions_receipt

SPANISH_PHRASES = (
    "Hospital de demostración Lobby",
    "Usted está aquí: Entrada principal",
    "Radiología",
    "¿Perdido? ¡Pregunte en el mostrador! Ñandú, pingüino, acción.",
)
# An 80 mm and a 58 mm printer with native QR, and a 58 mm one that needs an image QR.
PAPER_WIDTHS = {DEFAULT_PROFILE: (576, 48), EXAMPLE_58MM_PROFILE: (384, 32), "POS-5890": (384, 32)}


def words(text: str) -> str:
    """Text without its whitespace: wrapping may move spaces, never letters."""
    return "".join(text.split())


def printed_text(receipt: Receipt, profile: str = DEFAULT_PROFILE) -> str:
    return receipt_text(render_escpos(receipt, profile), profile)


def test_spanish_accents_print_in_a_code_page_that_has_them() -> None:
    payload = render_escpos(spanish_directions_receipt(), DEFAULT_PROFILE)
    profile = printer_profile(DEFAULT_PROFILE)
    assert profile.code_page == "CP858"
    assert b"\x1bt" + bytes([profile.code_page_number]) in payload
    assert "Radiología".encode("cp858") in payload
    text = receipt_text(payload, DEFAULT_PROFILE)
    for phrase in SPANISH_PHRASES:
        assert words(phrase) in words(text)
    assert "?" not in text.replace("¿Perdido?", "")


@pytest.mark.parametrize("profile", PAPER_WIDTHS)
def test_receipt_fits_the_paper_width_of_its_profile(profile: str) -> None:
    dots, columns = PAPER_WIDTHS[profile]
    payload = render_escpos(spanish_directions_receipt(floor_map(width=700)), profile)
    preview = render_preview(payload, profile)
    assert preview.width == dots
    text_lines = receipt_text(payload, profile).splitlines()
    assert max(len(line) for line in text_lines if not line.startswith("[")) <= columns
    assert "-" * columns in text_lines  # the rule spans the paper
    assert f"[image {dots}x{round(480 * dots / 700)}]" in text_lines  # map scaled to fit


@pytest.mark.parametrize("profile", PAPER_WIDTHS)
def test_qr_code_on_the_paper_reads_back_as_the_phone_link(profile: str) -> None:
    preview = render_preview(render_escpos(spanish_directions_receipt(), profile), profile)
    assert preview.mode == "1"
    found = zxingcpp.read_barcodes(preview.convert("L"))
    assert [barcode.text for barcode in found] == [PHONE_LINK]


def test_native_qr_is_a_few_bytes_where_the_printer_has_it() -> None:
    receipt = Receipt("test").add(QRCode(PHONE_LINK))
    native = render_escpos(receipt, DEFAULT_PROFILE)
    as_image = render_escpos(receipt, "POS-5890")  # no native QR on this model
    assert b"\x1d(k" in native and PHONE_LINK.encode() in native
    assert b"\x1d(k" not in as_image and b"\x1dv0" in as_image
    assert len(native) * 5 < len(as_image)


def test_title_is_large_and_wraps_at_half_the_columns() -> None:
    payload = render_escpos(Receipt("test").add(Title("Medicina Nuclear y Radiología")), "Sunmi-V2")
    title_lines = [
        item
        for item in read_paper(payload, printer_profile("Sunmi-V2"))
        if isinstance(item, TextLine) and item.glyphs
    ]
    assert [line.text for line in title_lines] == ["Medicina Nuclear", "y Radiología"]
    assert all(
        glyph.style.width == 2 and glyph.style.height == 2
        for line in title_lines
        for glyph in line.glyphs
    )


def test_floor_change_is_a_reversed_band_across_the_paper() -> None:
    payload = render_escpos(Receipt("test").add(FloorChange("Suba a la Planta 3")), DEFAULT_PROFILE)
    (band,) = [
        item
        for item in read_paper(payload, printer_profile(DEFAULT_PROFILE))
        if isinstance(item, TextLine) and item.glyphs
    ]
    assert band.text.strip() == "Suba a la Planta 3" and len(band.text) == 48
    assert all(glyph.style.invert and glyph.style.bold for glyph in band.glyphs)
    band_on_paper = render_preview(payload, DEFAULT_PROFILE).crop((0, 0, 576, 48))
    histogram = band_on_paper.convert("L").histogram()
    assert histogram[0] > 2 * histogram[255]  # mostly black: nobody misses it


def test_text_block_keeps_line_breaks_and_wraps_long_words() -> None:
    text = printed_text(Receipt("test").add(Text("Planta 2\n\n" + "x" * 60)))
    assert text.splitlines()[:4] == ["Planta 2", "", "x" * 48, "x" * 12]


def test_every_receipt_ends_with_one_cut() -> None:
    assert printed_text(Receipt("test").add(Text("a"))).endswith("a\n[cut]")
    two_parts = printed_text(Receipt("test").add(Text("a"), Cut(), Text("b"), Cut()))
    assert two_parts == "a\n[cut]\nb\n[cut]"
    assert printed_text(Receipt("empty")) == "[cut]"


def test_spacer_adds_blank_lines_and_rejects_negative_counts() -> None:
    assert printed_text(Receipt("t").add(Text("a"), Spacer(2), Text("b"))).startswith("a\n\n\nb")
    with pytest.raises(ValueError):
        Spacer(-1)


def test_pictures_must_be_one_bit_and_qr_codes_need_data() -> None:
    with pytest.raises(ValueError, match="1-bit"):
        Picture(Image.new("L", (10, 10)))
    with pytest.raises(ValueError):
        QRCode("")


def test_unknown_or_widthless_profiles_are_refused_clearly() -> None:
    with pytest.raises(PrinterProfileError, match="unknown printer profile"):
        render_escpos(Receipt("t"), "No-Such-Printer")
    with pytest.raises(PrinterProfileError, match="paper width"):
        render_escpos(Receipt("t"), "default")


def test_characters_outside_the_code_page_get_documented_replacements() -> None:
    profile = printer_profile(DEFAULT_PROFILE)
    # folded to the base letter, ligature spelt out, unknown script replaced, invisible dropped
    assert printable_text("Ā ﬁ Ω\u200b\x07a", profile) == "A fi ?a"
    assert printable_text("e\u0301", profile) == "é"  # combining accent composed first
    cp437 = printer_profile(DEFAULT_PROFILE).__class__(
        **{**printer_profile(DEFAULT_PROFILE).__dict__, "codec": "cp437"}
    )
    assert printable_text("Ánimo, Óscar", cp437) == "Animo, Oscar"  # CP437 lacks Á and Ó


def test_preview_refuses_commands_it_cannot_show() -> None:
    cash_drawer_kick = b"\x1b@\x1bp\x00\x19\xfa"
    with pytest.raises(UnsupportedCommand):
        render_preview(cash_drawer_kick, DEFAULT_PROFILE)


def test_preview_reads_qr_settings_from_the_bytes() -> None:
    payload = render_escpos(Receipt("t").add(QRCode(PHONE_LINK)), DEFAULT_PROFILE)
    (symbol,) = [
        item
        for item in read_paper(payload, printer_profile(DEFAULT_PROFILE))
        if isinstance(item, QRSymbol)
    ]
    assert symbol.data == PHONE_LINK and symbol.module_dots == 6


@given(st.text(alphabet=st.characters(codec="cp858", categories=("L", "N", "P", "S", "Zs"))))
def test_text_the_code_page_holds_comes_back_unchanged(text: str) -> None:
    printed = printed_text(Receipt("t").add(Text(text)))
    assert words(printed.removesuffix("[cut]")) == words(text)


@settings(deadline=None)  # drawing the preview of long text can take a while on a busy CI
@given(st.text(), st.sampled_from(list(PAPER_WIDTHS)))
def test_any_unicode_text_prints_as_its_printable_form(text: str, profile: str) -> None:
    payload = render_escpos(Receipt("t").add(Title(text), Text(text, bold=True)), profile)
    expected = words(printable_text(text, printer_profile(profile)))
    assert words(receipt_text(payload, profile).removesuffix("[cut]")) == expected * 2
    assert render_preview(payload, profile).width == PAPER_WIDTHS[profile][0]


@given(st.text(alphabet=string.printable, min_size=1, max_size=300))
def test_any_url_round_trips_through_the_qr_code(data: str) -> None:
    payload = render_escpos(Receipt("t").add(QRCode(data)), DEFAULT_PROFILE)
    assert f"[QR: {data}]" in receipt_text(payload, DEFAULT_PROFILE)
