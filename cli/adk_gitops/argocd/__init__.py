"""Argo CD read offline: annotations, health, Applications, AppProjects and the sync
model. (Layers: tests/unit/test_layers.py.)"""
