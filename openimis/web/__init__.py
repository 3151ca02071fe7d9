"""Serving the reference web frontend (the built `frontend/` assembly) under /front/."""
