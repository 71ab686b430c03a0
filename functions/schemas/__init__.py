"""The HTTP API's documents, one module per resource: its request bodies (validated with pydantic),
its answers and the mappers from the desk's values to them. ``GET /api/openapi.json`` is generated
from these models, so they are the single source of the API's shapes."""
