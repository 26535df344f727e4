"""OpenAPI descriptions of the elasticpath operations (filled in below)."""
