"""OpenAPI descriptions of the spree operations (filled in below)."""
