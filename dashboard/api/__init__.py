"""HTTP API under /api/v1: routes, their pydantic models and the OpenAPI document."""
