"""Waybill printer: fetch WeChat logistics waybills and print them at a packing station."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("waybill-printer")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
