"""The one HTTP client for gateway calls: JSON over HTTPS with explicit timeouts, and retries
only for calls the provider documents as idempotent. Never call it inside a DB transaction."""
import json
import urllib.error
import urllib.request


class GatewayUnavailable(Exception):
    pass


def post_json(url: str, body: dict, timeout: float, retries: int = 0, headers: dict | None = None) -> dict:
    data = json.dumps(body, ensure_ascii=False).encode()
    request_headers = {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}
    last_error = None
    for _attempt in range(retries + 1):
        request = urllib.request.Request(url, data=data, headers=request_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode() or "{}")
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as exc:
            last_error = exc
    raise GatewayUnavailable(str(last_error))
