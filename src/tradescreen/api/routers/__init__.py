"""One module per capability, each exposing `router`; `ROUTERS` lists them for the app."""

ROUTERS = ("lists", "screening", "determinations", "erc", "review")
