"""What a change does to each environment, by rendering and checking both sides. (Layers:
tests/unit/test_layers.py.)"""
