"""The HTTP API: FastAPI serving the Strawberry GraphQL schema, health and OpenAPI."""

from complygraph.api.app import create_app

__all__ = ["create_app"]
