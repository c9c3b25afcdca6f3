"""What a command reads: discovering targets and loading their objects. May import: adk, argocd,
kustomize, kube, the root foundations."""
