"""Server-rendered web UI (Jinja2 templates, vendored CSS, SVG charts drawn in Python)."""
