"""The web layer: layout, home tiles, language and error pages."""
