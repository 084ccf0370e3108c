"""REST API (FastAPI) under /api/v1: routers per capability in `api.routers`, auth in `api.auth`."""
