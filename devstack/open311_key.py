"""The local stack's Open311 API key: one random key per run, stored as the API stores keys, printed in the banner.

Digested under the same key the API uses (container.open311_key_secret, from the stage's environment), so
`curl -d api_key=<the banner's key> .../open311/v2/requests.json` files a report as the client "demo".
"""

from __future__ import annotations

from datetime import UTC, datetime

DEMO_CLIENT = "demo"


def seed_open311_key(env: dict[str, str]) -> dict[str, str]:
    """Store a fresh key for the stage whose environment is `env`; its banner line's fields."""
    from chalicelib.config import Settings
    from chalicelib.container import open311_key_secret
    from chalicelib.rules.open311 import new_api_key
    from chalicelib.services.open311 import seed_key
    from chalicelib.storage.models import bind
    from chalicelib.storage.open311_keys import ApiKeyStore

    settings = Settings.from_env(env)
    bind(settings)
    api_key = new_api_key()
    key_id = seed_key(ApiKeyStore(), open311_key_secret(settings), DEMO_CLIENT, api_key, datetime.now(UTC))
    return {"api_key": api_key, "key_id": key_id, "client": DEMO_CLIENT}
