"""Realistic but fake senders and receivers, derived deterministically from an order id.

Names, masked phone numbers (`138****5678`, as real labels print them) and Chinese
addresses with a destination city and route code, so sandbox labels look like the real
thing and the same order always shows the same people.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.sandbox.carriers import order_hash

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
_GIVEN = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "晓东", "子涵", "浩然",
    "雨桐", "欣怡", "梓轩", "思远",
)  # fmt: skip
_MOBILE_PREFIXES = ("130", "133", "135", "136", "137", "138", "139", "150", "152", "158",
                    "159", "177", "180", "186", "187", "188", "189", "199")  # fmt: skip


@dataclass(frozen=True)
class City:
    """A destination: full province/city/district text, the short city name and a route code."""

    province: str
    city: str
    district: str
    short: str
    code: str


_CITIES = (
    City("广东省", "广州市", "天河区", "广州", "020"),
    City("广东省", "深圳市", "南山区", "深圳", "755"),
    City("浙江省", "杭州市", "西湖区", "杭州", "571"),
    City("上海市", "上海市", "浦东新区", "上海", "021"),
    City("北京市", "北京市", "朝阳区", "北京", "010"),
    City("江苏省", "南京市", "鼓楼区", "南京", "025"),
    City("四川省", "成都市", "武侯区", "成都", "028"),
    City("湖北省", "武汉市", "洪山区", "武汉", "027"),
    City("陕西省", "西安市", "雁塔区", "西安", "029"),
    City("福建省", "厦门市", "思明区", "厦门", "592"),
    City("山东省", "青岛市", "市南区", "青岛", "532"),
    City("湖南省", "长沙市", "岳麓区", "长沙", "731"),
)
_STREETS = ("人民路", "中山路", "解放路", "建设路", "和平路", "文化路", "新华路", "长江路",
            "科技园路", "滨江大道", "学院路", "花园街")  # fmt: skip
_BUILDINGS = ("阳光花园", "锦绣小区", "翠苑", "华府公寓", "星河湾", "枫林苑", "金色家园",
              "创业大厦")  # fmt: skip


@dataclass(frozen=True)
class Person:
    """One party on a label."""

    name: str
    phone: str
    address: str
    city: City


def _phone(h: int) -> str:
    prefix = _MOBILE_PREFIXES[(h >> 40) % len(_MOBILE_PREFIXES)]
    return f"{prefix}****{(h >> 48) % 10000:04d}"


def receiver_for(order_id: str) -> Person:
    """The (fake) customer an order ships to."""
    h = order_hash("receiver", order_id)
    city = _CITIES[h % len(_CITIES)]
    name = f"{_SURNAMES[(h >> 8) % len(_SURNAMES)]}{_GIVEN[(h >> 16) % len(_GIVEN)]}"
    street = _STREETS[(h >> 24) % len(_STREETS)]
    building = _BUILDINGS[(h >> 32) % len(_BUILDINGS)]
    number = (h >> 56) % 999 + 1
    unit = (h >> 66) % 30 + 1
    room = (h >> 72) % 28 + 1
    address = (
        f"{city.province}{city.city}{city.district}{street}{number}号"
        f"{building}{unit}栋{room:02d}0{(h >> 80) % 4 + 1}室"
    )
    return Person(name, _phone(h), address, city)


_WAREHOUSE = City("浙江省", "杭州市", "余杭区", "杭州", "571")


def sender_for(order_id: str) -> Person:
    """The shop's warehouse that sends the order (one of a few packers, same address)."""
    h = order_hash("sender", order_id)
    name = f"{_SURNAMES[(h >> 8) % 6]}{_GIVEN[(h >> 16) % 6]}(优选好物旗舰店)"
    address = "浙江省杭州市余杭区仓前街道文一西路998号电商产业园3号仓"
    return Person(name, _phone(h), address, _WAREHOUSE)


_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def destination(order_id: str) -> tuple[City, str]:
    """The receiver's city (as in `receiver_for`) and a sorting-centre mark for it like
    `020WB-012`, both from the receiver's hash (bits above those `receiver_for` uses), so
    an order's `waybill_data` costs one hash."""
    h = order_hash("receiver", order_id)
    city = _CITIES[h % len(_CITIES)]
    m = h >> 128
    number = str((m >> 16) % 1000).zfill(3)
    return city, f"{city.code}{_LETTERS[m % 24]}{_LETTERS[(m >> 8) % 24]}-{number}"
