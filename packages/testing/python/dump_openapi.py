"""Print the OpenAPI document of the installed Prefect's REST API, as JSON, to stdout.

Prefect builds its API as a FastAPI app, which renders its own schema, so no server has to run.
The installed Prefect version is recorded as `x-prefect-version` so drift can be detected.
"""

import json
import sys

import prefect
from prefect.server.api.server import create_api_app

spec = create_api_app().openapi()
spec["info"]["x-prefect-version"] = prefect.__version__
json.dump(spec, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
