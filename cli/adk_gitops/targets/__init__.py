"""What a command reads: discovering targets and loading their objects. (Layers:
tests/unit/test_layers.py.)"""
