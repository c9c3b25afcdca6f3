"""Kustomize: reading kustomizations, the guard, the sandboxed renderer and its batch.
(Layers: tests/unit/test_layers.py.)"""
