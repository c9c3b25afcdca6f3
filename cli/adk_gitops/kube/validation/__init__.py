"""What the kube-apiserver refuses, by kind, judged offline (names, quantities, cron,
pods, workloads, services, networks). (Layers: tests/unit/test_layers.py.)"""
