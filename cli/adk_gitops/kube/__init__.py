"""Kubernetes objects read offline: manifests, pods, scopes, schemas and the API server's
validation. (Layers: tests/unit/test_layers.py.)"""
