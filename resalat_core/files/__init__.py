"""Stored files: uploads checked by content, images re-encoded and resized, served with safe headers."""
