"""Carrier label templates: the complete UTF-8 HTML document behind a sandbox `print_html`.

Each carrier's label has its own page size (`@page { size: Wmm Hmm; margin: 0 }`), a body
sized exactly to the page (border-box, overflow hidden, so it never spills onto a second
page), the carrier's name, a big route text, a real Code128 barcode of the waybill id as
inline SVG, receiver and sender in Chinese, and the order id. Everything is inline: no
scripts, no remote resources. Rendered labels are cached per (carrier, order, waybill).
Orders whose id starts with `NOPAGE` get the same label without its `@page` rule, as some
carriers send them: the station's label-size setting then decides the page.
"""

from __future__ import annotations

import base64
import functools
from html import escape

from app.sandbox.barcodes import code128_svg
from app.sandbox.carriers import CARRIERS, Carrier, order_hash
from app.sandbox.people import destination, receiver_for, sender_for

PADDING_MM = 2.0
_FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'


def waybill_data_for(carrier: Carrier, order_id: str) -> list[dict[str, str]]:
    """The carrier-specific `waybill_data` key/value pairs of an order."""
    if carrier.delivery_id == "TEST":
        return []
    city, mark = destination(order_id)
    if carrier.delivery_id == "SF":
        return [{"key": "SF_bagAddr", "value": city.short}, {"key": "SF_mark", "value": mark}]
    h = order_hash("2d", carrier.delivery_id, order_id)
    return [
        {"key": "destRouteLabel", "value": f"{city.short} {mark}"},
        {"key": "twoDimensionCode", "value": f"{carrier.delivery_id}{h % 10**16:016d}"},
    ]


def route_text(order_id: str) -> str:
    """The big destination/route line printed under the carrier name."""
    city, mark = destination(order_id)
    return f"{city.short} {mark}"


def _spaced(waybill_id: str) -> str:
    """A waybill id in groups of four for reading aloud (long TEST ids stay as they are)."""
    if len(waybill_id) > 20:
        return waybill_id
    return " ".join(waybill_id[i : i + 4] for i in range(0, len(waybill_id), 4))


def _style(width: int, height: int, bar_height: float, *, page_rule: bool = True) -> str:
    page = f"@page {{ size: {width}mm {height}mm; margin: 0 }}\n" if page_rule else ""
    return (
        page
        + f"""* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; width: {width}mm; height: {height}mm; overflow: hidden; }}
body {{ font-family: {_FONTS}; color: #000; background: #fff; }}
.label {{ width: {width}mm; height: {height}mm; padding: {PADDING_MM}mm; overflow: hidden;
  display: flex; flex-direction: column; border: 0; }}
.head {{ flex: 0 0 10mm; display: flex; align-items: center; justify-content: space-between;
  border-bottom: 0.4mm solid #000; overflow: hidden; }}
.carrier {{ font-size: 6mm; font-weight: 700; letter-spacing: 0.5mm; }}
.service {{ font-size: 3.2mm; border: 0.3mm solid #000; padding: 0.5mm 1.5mm; }}
.route {{ flex: 0 0 12mm; font-size: 8mm; font-weight: 700; line-height: 12mm;
  text-align: center; white-space: nowrap; overflow: hidden; border-bottom: 0.3mm solid #000; }}
.code {{ flex: 0 0 {bar_height + 8:.1f}mm; text-align: center; overflow: hidden;
  padding-top: 1.5mm; border-bottom: 0.3mm solid #000; }}
.code svg {{ display: block; margin: 0 auto; }}
.waybill {{ font-size: 3.6mm; font-weight: 700; line-height: 5mm; white-space: nowrap;
  overflow: hidden; }}
.party {{ display: flex; overflow: hidden; border-bottom: 0.3mm solid #000; padding: 1mm 0; }}
.party.to {{ flex: 3 1 0; }}
.party.from {{ flex: 2 1 0; }}
.tag {{ flex: 0 0 8mm; font-size: 5mm; font-weight: 700; text-align: center; }}
.who {{ flex: 1 1 auto; overflow: hidden; }}
.name {{ font-size: 4mm; font-weight: 700; }}
.to .addr {{ font-size: 3.6mm; line-height: 4.6mm; }}
.from .addr, .from .name {{ font-size: 3mm; line-height: 3.8mm; }}
.foot {{ flex: 0 0 9mm; font-size: 2.8mm; line-height: 4mm; overflow: hidden; padding-top: 0.5mm;
  display: flex; justify-content: space-between; }}
"""
    )


def render_label(delivery_id: str, order_id: str, waybill_id: str) -> str:
    """The label HTML for one order (cached; raises `BarcodeError` for unencodable ids)."""
    return _render_label(delivery_id, order_id, waybill_id)


@functools.lru_cache(maxsize=4096)
def _render_label(delivery_id: str, order_id: str, waybill_id: str) -> str:
    carrier = CARRIERS[delivery_id]
    width, height = carrier.page_mm
    bar_height = 15.0 if height >= 150 else 12.0
    svg = code128_svg(waybill_id, width - 2 * PADDING_MM - 2.0, bar_height)
    receiver = receiver_for(order_id)
    sender = sender_for(order_id)
    service = carrier.service[0][1]
    page_rule = not order_id.startswith("NOPAGE")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8">'
        f"<title>{escape(carrier.name)} {escape(waybill_id)}</title>"
        f"<style>{_style(width, height, bar_height, page_rule=page_rule)}</style></head><body>"
        '<div class="label">'
        f'<div class="head"><span class="carrier">{escape(carrier.name)}</span>'
        f'<span class="service">{escape(service)}</span></div>'
        f'<div class="route">{escape(route_text(order_id))}</div>'
        f'<div class="code">{svg}<div class="waybill">{escape(_spaced(waybill_id))}</div></div>'
        '<div class="party to"><div class="tag">收</div><div class="who">'
        f'<div class="name">{escape(receiver.name)} {escape(receiver.phone)}</div>'
        f'<div class="addr">{escape(receiver.address)}</div></div></div>'
        '<div class="party from"><div class="tag">寄</div><div class="who">'
        f'<div class="name">{escape(sender.name)} {escape(sender.phone)}</div>'
        f'<div class="addr">{escape(sender.address)}</div></div></div>'
        f'<div class="foot"><span>订单号：{escape(order_id)}</span>'
        "<span>签收人/时间：</span></div>"
        "</div></body></html>"
    )


@functools.lru_cache(maxsize=4096)
def label_base64(delivery_id: str, order_id: str, waybill_id: str) -> str:
    """`print_html` as the API sends it: the Base64 of the UTF-8 label document."""
    html = render_label(delivery_id, order_id, waybill_id)
    return base64.b64encode(html.encode("utf-8")).decode("ascii")
