"""Members: identity, roles and permissions."""
