"""The JSON API conventions: errors, schemas, pagination, OpenAPI, idempotency."""
