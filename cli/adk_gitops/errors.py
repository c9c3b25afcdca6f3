"""Domain errors. The library raises these and never prints or exits; the CLI
turns each into one line on stderr and exit code 2."""

from __future__ import annotations


class AdkGitopsError(Exception):
    """Base class: a failure the user can act on, with a one-line message."""


class RendererNotFound(AdkGitopsError):
    """Neither $ADK_GITOPS_KUSTOMIZE, `kustomize` nor `kubectl` is available."""


class SandboxUnavailable(RendererNotFound):
    """The sandbox kustomize runs in cannot be set up here (and --no-sandbox was not given)."""


class RenderError(AdkGitopsError):
    """kustomize ran and failed (bad overlay), or timed out."""


class RenderTimeout(RenderError):
    """kustomize did not finish in the time it was given."""


class ManifestError(AdkGitopsError):
    """A YAML stream is not a list of Kubernetes objects."""


class YamlError(ManifestError):
    """A YAML text this tool refuses to read (yamlread.py)."""


class PodEnvError(AdkGitopsError):
    """A container cannot be started the way the kubelet would start it."""


class ClusterUnreachable(AdkGitopsError):
    """No kubeconfig, no such context, or the API server did not answer."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, an editor stopping its check): the run stops as Ctrl-C
    stops it, its kustomize processes killed and its temporary folders removed."""
