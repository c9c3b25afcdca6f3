"""Kustomize: reading kustomizations, the guard, the sandboxed renderer and its batch. May import:
kube, the root foundations."""
