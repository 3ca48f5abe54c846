"""A rendered label PDF made ready as a print-to-file result: its title and its copies.

The print queue's PDF target writes `LabelRenderer`'s vector PDF as it is, with the job
title as the document title and every page repeated once per copy (as a printer would
put out the copies); the queue writes it with `app.core.atomic_file`.
"""

from __future__ import annotations

import io

import pypdf


def label_pdf_file(pdf: bytes, *, title: str, copies: int = 1) -> bytes:
    """`pdf` with `title` as its document title and all its pages `copies` times."""
    if copies < 1:
        raise ValueError(f"copies must be at least 1, not {copies}")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter()
    for _ in range(copies):
        for page in reader.pages:
            writer.add_page(page)
    writer.add_metadata({"/Title": title, "/Producer": "waybill printer"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
