"""REST API (FastAPI) under /api/v1: routers per capability in `api.routers`; API keys and
roles live in `services.auth`."""
