"""Helpers for the sandbox tests: plain `requests` calls against a running sandbox."""

from __future__ import annotations

import base64
from typing import Any

import requests

from app.sandbox.server import SandboxServer

TOKEN = "/cgi-bin/token"
STABLE = "/cgi-bin/stable_token"
BATCHGET = "/cgi-bin/express/business/order/batchget"
GET_ORDER = "/cgi-bin/express/business/order/get"
GETALL = "/cgi-bin/express/business/delivery/getall"


class Caller:
    """Talks to one sandbox over real loopback HTTP, the way a client would."""

    def __init__(self, server: SandboxServer, session: requests.Session) -> None:
        self.server = server
        self.http = session

    def url(self, path: str) -> str:
        return self.server.base_url + path

    def classic(self, **overrides: str) -> dict[str, Any]:
        params = {
            "grant_type": "client_credential",
            "appid": self.server.appid,
            "secret": self.server.secret,
            **overrides,
        }
        return dict(self.http.get(self.url(TOKEN), params=params, timeout=5).json())

    def stable(self, force_refresh: bool = False, **overrides: Any) -> dict[str, Any]:
        body = {
            "grant_type": "client_credential",
            "appid": self.server.appid,
            "secret": self.server.secret,
            "force_refresh": force_refresh,
            **overrides,
        }
        return dict(self.http.post(self.url(STABLE), json=body, timeout=5).json())

    def token(self) -> str:
        return str(self.stable()["access_token"])

    def batchget_raw(
        self, orders: list[dict[str, Any]], token: str | None = None, timeout: float = 10
    ) -> requests.Response:
        params = {"access_token": token if token is not None else self.token()}
        return self.http.post(
            self.url(BATCHGET), params=params, json={"order_list": orders}, timeout=timeout
        )

    def batchget(self, orders: list[dict[str, Any]], token: str | None = None) -> dict[str, Any]:
        return dict(self.batchget_raw(orders, token).json())

    def get_order(self, order: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        params = {"access_token": token if token is not None else self.token()}
        return dict(
            self.http.post(self.url(GET_ORDER), params=params, json=order, timeout=5).json()
        )

    def items_by_key(self, orders: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        answer = self.batchget(orders)
        assert answer["errcode"] == 0, answer
        return {(i["order_id"], i["delivery_id"]): i for i in answer["order_list"]}


def orders(*ids: str, carrier: str = "SF") -> list[dict[str, Any]]:
    return [{"order_id": order_id, "delivery_id": carrier} for order_id in ids]


def decode_label(item: dict[str, Any]) -> str:
    return base64.b64decode(item["print_html"], validate=True).decode("utf-8")
