"""How Merat plugs into the host: wiring, its home tile, figures and demo."""

from __future__ import annotations
