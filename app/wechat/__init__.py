"""WeChat logistics API client: HTTP session, access tokens, error table (no Qt)."""
