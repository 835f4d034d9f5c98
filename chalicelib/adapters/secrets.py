"""The stage's secrets: one Secrets Manager secret (a JSON object), read once per process and cached.

infra/province.json creates it (`StageSecrets`, `GenerateSecretString`: a
random `cursor_key`) and passes its ARN as STAGE_SECRETS_ARN; only the API
function may read it (`secretsmanager:GetSecretValue` on that one ARN). The
secret is fetched on first use, not at import: a cold start that signs no
cursor never pays for it. Without an ARN (`chalice local`, the tests) there is
nothing to read and the caller keeps its own fallback.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from chalicelib.adapters.aws import AwsAdapter


class StageSecretError(RuntimeError):
    """The stage's secret is missing a field or is not a JSON object."""


class StageSecrets(AwsAdapter):
    """`get(name)`: one field of the stage's secret (one GetSecretValue per process)."""

    service = "secretsmanager"

    def __init__(self, settings: Any, client: Any = None) -> None:
        super().__init__(settings, client)
        self._values: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def arn(self) -> str:
        return str(self._settings.stage_secrets_arn)

    def get(self, name: str) -> str:
        if self._values is None:
            with self._lock:
                if self._values is None:
                    raw = self.client.get_secret_value(SecretId=self.arn)["SecretString"]
                    values = json.loads(raw)
                    if not isinstance(values, dict):
                        raise StageSecretError("the stage secret is not a JSON object")
                    self._values = values
        value = self._values.get(name)
        if not isinstance(value, str) or not value:
            raise StageSecretError(f"the stage secret has no field {name!r}")
        return value
