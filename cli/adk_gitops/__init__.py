"""adk-gitops: run Google ADK agents on Kubernetes with Argo CD and Kustomize."""

__version__ = "0.1.0"
# The repository's own configuration file (repository defaults for new-env, the
# check: block), spelt once: guard.find_root, changes, applications and its readers.
CONFIG_FILE = "adk-gitops.yaml"
