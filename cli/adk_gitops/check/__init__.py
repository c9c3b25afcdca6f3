"""The check pipeline: load, judge, rules, findings. (Layers:
tests/unit/test_layers.py.)"""
