"""adk-gitops: run Google ADK agents on Kubernetes with Argo CD and Kustomize."""

__version__ = "0.1.0"
