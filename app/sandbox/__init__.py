"""Offline imitation of the WeChat logistics endpoints, for demos and tests (no Qt)."""
