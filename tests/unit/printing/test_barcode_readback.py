"""The tests' barcode read-back distrusts a raster that decodes one place two ways."""

from __future__ import annotations

from tests.fixtures.qt import _ambiguous


def test_two_texts_at_one_place_are_ambiguous() -> None:
    # what zxing-cpp returned for one printed SF label at 300 dpi (same bars, two texts)
    assert _ambiguous([("SF3029890748028", 244, 300), ("SF3029825248068", 243, 300)])


def test_same_text_twice_or_barcodes_apart_are_not() -> None:
    assert not _ambiguous([("SF3029890748028", 244, 300), ("SF3029890748028", 243, 300)])
    assert not _ambiguous([("A1", 10, 10), ("B2", 400, 600)])
    assert not _ambiguous([("A1", 10, 10)])
