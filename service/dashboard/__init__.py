"""The server-rendered status dashboard (Jinja2, no JavaScript, no CDN)."""
