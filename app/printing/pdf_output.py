"""A rendered label PDF made ready as a print-to-file result: its title and its copies.

The print queue's PDF target writes `LabelRenderer`'s vector PDF as it is, with the job
title as the document title and every page repeated once per copy (as a printer would
put out the copies); the queue writes it with `app.core.atomic_file`.

One copy is the common case (every label of `fetch --pdf-dir`), and rebuilding a label's
PDF with pypdf costs over half a second (it parses every object of the barcode's drawing).
So a single copy only gets a new document-information dictionary appended as a standard
PDF incremental update (ISO 32000-1, 7.5.6): the original bytes stay as they are, followed
by the new object, a cross-reference section for it and a trailer pointing back at the
original one. Files with a cross-reference stream, or more copies, go through pypdf.
"""

from __future__ import annotations

import io
import re

import pypdf

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s+\d+\s+%%EOF\s*$", re.S)
_SIZE = re.compile(rb"/Size\s+(\d+)")
_ROOT = re.compile(rb"/Root\s+(\d+\s+\d+\s+R)")


def label_pdf_file(pdf: bytes, *, title: str, copies: int = 1) -> bytes:
    """`pdf` with `title` as its document title and all its pages `copies` times."""
    if copies < 1:
        raise ValueError(f"copies must be at least 1, not {copies}")
    if copies == 1:
        updated = _retitled(pdf, title)
        if updated is not None:
            return updated
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter()
    for _ in range(copies):
        for page in reader.pages:
            writer.add_page(page)
    writer.add_metadata({"/Title": title, "/Producer": "waybill printer"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_text(text: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, as hex (any title is safe)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _retitled(pdf: bytes, title: str) -> bytes | None:
    """`pdf` with a new information dictionary appended, or None if it has no classic
    cross-reference table and trailer to append to."""
    start = _STARTXREF.search(pdf)
    trailer = _TRAILER.search(pdf, max(pdf.rfind(b"trailer"), 0))  # the latest update's
    if start is None or trailer is None:
        return None
    size = _SIZE.search(trailer.group(1))
    root = _ROOT.search(trailer.group(1))
    if size is None or root is None:
        return None
    number = int(size.group(1))
    body = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    info = (
        f"{number} 0 obj\n<</Title ".encode("ascii")
        + _pdf_text(title)
        + b" /Producer (waybill printer)>>\nendobj\n"
    )
    xref_at = len(body) + len(info)
    xref = f"xref\n{number} 1\n{len(body):010d} 00000 n \n".encode("ascii")
    tail = (
        f"trailer\n<</Size {number + 1} /Root ".encode("ascii")
        + root.group(1)
        + f" /Info {number} 0 R /Prev {int(start.group(1))}>>\n"
        f"startxref\n{xref_at}\n%%EOF\n".encode("ascii")
    )
    return body + info + xref + tail
