"""ADK facts: which workloads are ADK agents, the migration strategies, the pod
environment run-hook rebuilds. (Layers: tests/unit/test_layers.py.)"""
