"""Receipts render to ESC/POS bytes that print the right text, widths and QR code.

The checks read the bytes back through the preview interpreter and zxing-cpp, so they test what
the paper would show, not how the renderer is written.
"""

from __future__ import annotations

import re
import string

import pytest
import zxingcpp
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk.floorplan import current_wayfinder, here
from kiosk.printing.escpos_render import printable_text, render_escpos
from kiosk.printing.preview import (
    PaperCut,
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
from kiosk.printing.receipt import (
    Cut,
    FloorChange,
    NumberedStep,
    Picture,
    QRCode,
    Receipt,
    Spacer,
    Text,
    Title,
)
from tests.printing.printing_helpers import (
    PHONE_LINK,
    demo_directions_receipt,
    floor_map,
    spanish_directions_receipt,
)
from wayfinding import NoRouteError, Profile, StepKind, UnknownPlaceError

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


STEP_NUMBER = re.compile(r"^ ?(\d+)\. ")


def inverted_runs(image: Image.Image, x: int) -> list[tuple[int, int]]:
    """The black runs (top, bottom) down one column of a preview."""
    runs: list[tuple[int, int]] = []
    column = [image.getpixel((x, y)) == 0 for y in range(image.height)]
    for y, black in enumerate(column):
        if black and (y == 0 or not column[y - 1]):
            runs.append((y, y))
        elif black:
            runs[-1] = (runs[-1][0], y)
    return runs


def printed_lines(payload: bytes, profile: str) -> list[TextLine]:
    return [
        item for item in read_paper(payload, printer_profile(profile)) if isinstance(item, TextLine)
    ]


def printed_steps(payload: bytes, profile: str) -> list[list[tuple[int, str]]]:
    """The numbered steps on the paper, by floor section: (number, text) with each step's
    wrapped lines joined. A line continues a step only if it hangs under the step's text."""
    sections: list[list[tuple[int, str]]] = []
    indent = None
    for line in printed_lines(payload, profile):
        text = line.text.rstrip()
        numbered = STEP_NUMBER.match(text)
        if numbered:
            number = int(numbered.group(1))
            if number == 1:
                sections.append([])
            sections[-1].append((number, text[numbered.end() :]))
            indent = numbered.end()
        elif (
            indent and text.startswith(" " * indent) and text[indent : indent + 1] not in ("", " ")
        ):
            number, words_so_far = sections[-1][-1]
            sections[-1][-1] = (number, f"{words_so_far} {text.strip()}")
        else:
            indent = None
    return sections


@pytest.mark.parametrize("profile", [DEFAULT_PROFILE, EXAMPLE_58MM_PROFILE])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_steps_are_numbered_per_floor_as_on_screen_with_hanging_indents(
    app: Flask, profile: str, lang: str
) -> None:
    """Every floor section numbers its steps 1, 2, 3 ... as the screen's lists do, and a
    wrapped line starts under the step's text, so the numbers stand alone in their column."""
    payload, steps = demo_directions_receipt(app, "nicu", lang, profile)
    columns = PAPER_WIDTHS[profile][1]
    assert all(len(line.text) <= columns for line in printed_lines(payload, profile))
    expected = [
        [(number, step.text) for number, step in enumerate(chunk.steps, start=1)]
        for chunk in steps.chunks
    ]
    on_paper = printed_steps(payload, profile)
    assert [[number for number, _ in section] for section in on_paper] == [
        [number for number, _ in section] for section in expected
    ]
    for printed_section, expected_section in zip(on_paper, expected, strict=True):
        for (_, printed), (_, text) in zip(printed_section, expected_section, strict=True):
            assert printed.split() == printable_text(text, printer_profile(profile)).split()


@settings(deadline=None)
@given(
    st.text(alphabet=st.characters(codec="cp858", categories=("L", "N", "P", "Zs")), min_size=1),
    st.integers(min_value=1, max_value=99),
    st.sampled_from([DEFAULT_PROFILE, EXAMPLE_58MM_PROFILE]),
)
def test_any_step_hangs_under_its_number_within_the_paper(
    text: str, number: int, profile: str
) -> None:
    payload = render_escpos(Receipt("t").add(NumberedStep(number, text)), profile)
    lines = [line.text for line in printed_lines(payload, profile) if line.glyphs]
    prefix = f"{number}. "
    assert lines[0].startswith(prefix.rstrip())
    assert all(len(line) <= PAPER_WIDTHS[profile][1] for line in lines)
    assert all(line.startswith(" " * len(prefix)) for line in lines[1:])
    assert words("".join(lines)) == words(prefix + text)


def demo_floor_changes(app: Flask) -> list[str]:
    """Every floor-change step the demo hospital's kiosk prints, in English and Spanish."""
    with app.test_request_context():
        finder, origin = current_wayfinder(), here()
        destinations = sorted(finder.floorplan.destinations)
        texts = set()
        for lang in ("en", "es"):
            for destination in destinations:
                for route_profile in Profile:
                    try:
                        _, steps = finder.kiosk_directions(
                            origin.id, destination, route_profile, lang
                        )
                    except (NoRouteError, UnknownPlaceError):
                        continue
                    texts.update(
                        step.text
                        for chunk in steps.chunks
                        for step in chunk.steps
                        if step.kind is StepKind.CHANGE_FLOOR
                    )
    return sorted(texts, key=len)


def assert_one_band(text: str, number: int, profile: str) -> None:
    """The floor change prints as one solid black band holding all of its words."""
    payload = render_escpos(Receipt("t").add(FloorChange(text, number)), profile)
    lines = printed_lines(payload, profile)
    band = [line for line in lines if line.glyphs]
    assert all(glyph.style.invert for line in band for glyph in line.glyphs)
    assert words("".join(line.text for line in band)) == words(
        f"{number}. " + printable_text(text, printer_profile(profile))
    )
    paper = render_preview(payload, profile)
    # Down the band's left margin (an inverted space on every line): one black run, no gap.
    ((top, bottom),) = inverted_runs(paper, 2)
    assert bottom - top + 1 == 48 * len(band)


@pytest.mark.parametrize("profile", [DEFAULT_PROFILE, EXAMPLE_58MM_PROFILE])
def test_the_demos_longest_floor_changes_print_as_one_band(app: Flask, profile: str) -> None:
    longest = demo_floor_changes(app)[-3:]
    assert any(len(text) > PAPER_WIDTHS[profile][1] for text in longest)  # they do wrap
    for text in longest:
        assert_one_band(text, 12, profile)


@settings(deadline=None)
@given(
    st.text(alphabet=st.characters(codec="cp858", categories=("L", "N", "Zs")), max_size=40),
    st.text(alphabet=st.characters(codec="cp858", categories=("L", "N", "Zs")), max_size=60),
    st.integers(min_value=1, max_value=20),
    st.sampled_from([DEFAULT_PROFILE, EXAMPLE_58MM_PROFILE]),
)
def test_floor_changes_with_any_names_print_as_one_band(
    connector: str, floor: str, number: int, profile: str
) -> None:
    assert_one_band(f"Take {connector} up to {floor} (Blue).", number, profile)


def test_a_printer_with_a_cutter_cuts_right_below_the_last_line(app: Flask) -> None:
    """No inch of blank paper at the end: the printer feeds only as far as its cutter."""
    payload, _ = demo_directions_receipt(app, "laboratory", "en", DEFAULT_PROFILE)
    items = read_paper(payload, printer_profile(DEFAULT_PROFILE))
    assert isinstance(items[-1], PaperCut)
    last_line = items[-2]
    assert isinstance(last_line, TextLine) and "Printed" in last_line.text
    paper = render_preview(payload, DEFAULT_PROFILE)
    bottom_band = paper.crop((0, paper.height - 40, paper.width, paper.height))
    assert bottom_band.convert("L").histogram()[0] > 0  # ink within 5 mm of the cut


def test_a_printer_without_a_cutter_still_feeds_past_its_tear_bar() -> None:
    payload = render_escpos(Receipt("t").add(Text("a")), EXAMPLE_58MM_PROFILE)
    items = read_paper(payload, printer_profile(EXAMPLE_58MM_PROFILE))
    assert printer_profile(EXAMPLE_58MM_PROFILE).cutter is None
    assert [item.text for item in items if isinstance(item, TextLine)] == ["a"] + [""] * 6


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("Cuidados intensivos neonatales (UCIN)", ["Cuidados intensivos neonatales", "(UCIN)"]),
        ("Medicina Nuclear y Radiología", ["Medicina Nuclear", "y Radiología"]),
    ],
)
def test_a_long_title_stays_tall_but_not_wide_on_58_mm_paper(title: str, lines: list[str]) -> None:
    """Double width would take four lines of a 58 mm receipt for the first name: it keeps the
    double height and takes two; a name that fits in two wide lines stays wide."""
    payload = render_escpos(Receipt("t").add(Title(title)), EXAMPLE_58MM_PROFILE)
    printed = [line for line in printed_lines(payload, EXAMPLE_58MM_PROFILE) if line.glyphs]
    assert [line.text for line in printed] == lines
    widths = {glyph.style.width for line in printed for glyph in line.glyphs}
    assert widths == ({1} if len(title) > 32 else {2})
    assert all(glyph.style.height == 2 for line in printed for glyph in line.glyphs)
