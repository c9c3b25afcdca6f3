"""Kubernetes objects read offline: manifests, pods, scopes, schemas and the API server's
validation. May import: the root foundations only."""
