"""Text messages (SMS): one adapter interface, the outbox provider, and the sender plugins use."""
