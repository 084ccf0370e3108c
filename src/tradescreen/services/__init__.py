"""Use cases: the only place that orchestrates engines and the store.

The CLI, the API and the web UI are thin adapters: they parse input, call one function of
this package, and render the typed result it returns (`services.models`). Every screening,
from any front end, goes through `services.screening` and is recorded the same way.
"""
