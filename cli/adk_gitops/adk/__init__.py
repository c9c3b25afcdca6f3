"""ADK facts: which workloads are ADK agents, the migration strategies, the pod environment run-hook
rebuilds. May import: argocd, kustomize, kube, the root foundations."""
