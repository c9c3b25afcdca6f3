"""Argo CD read offline: annotations, health, Applications, AppProjects and the sync model. May
import: kustomize, kube, the root foundations."""
