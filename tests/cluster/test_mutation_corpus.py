"""A corpus of realistic mistakes, each judged by the real kube-apiserver
(server-side dry run, strict field validation) and by check. Any disagreement
must be listed in KNOWN_LIMITS with its reason (and every listed one must still
disagree), and check must miss at most one server rejection in five."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from adk_gitops.check import pipeline
from adk_gitops.check.model import Severity
from adk_gitops.kube.schemas import DEFAULT_VERSION
from adk_gitops.targets.discover import Target, TargetKind
from tests.cluster.conftest import ApiServer

pytestmark = pytest.mark.e2e
# What judges an object here: the schemas, the server's in-code rules, and the
# loader itself (a document that is no object, e.g. `name: no`, read as false).
JUDGES = ("schema-valid", "api-values-valid", "api-fields-consistent", "render-failed")

DEPLOYMENT: dict[str, Any] = yaml.safe_load("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, labels: {app.kubernetes.io/name: agent}}
spec:
  replicas: 2
  selector: {matchLabels: {app: agent}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      serviceAccountName: agent
      volumes: [{name: tmp, emptyDir: {}}]
      initContainers:
        - name: proxy
          image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3
          restartPolicy: Always
          startupProbe: {httpGet: {path: /startup, port: 9090}}
      containers:
        - name: agent
          image: r.example/agent:1.0
          imagePullPolicy: IfNotPresent
          ports: [{name: http, containerPort: 8080}]
          env: [{name: PORT, value: "8080"}]
          resources: {requests: {cpu: 250m, memory: 512Mi}, limits: {memory: 1Gi}}
          readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 5}
          volumeMounts: [{name: tmp, mountPath: /tmp}]
""")
JOB: dict[str, Any] = yaml.safe_load("""
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  backoffLimit: 3
  activeDeadlineSeconds: 600
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migration, image: r.example/agent:1.0, command: [python, -c, pass]}]
""")
SERVICE: dict[str, Any] = yaml.safe_load("""
apiVersion: v1
kind: Service
metadata: {name: agent}
spec:
  type: ClusterIP
  selector: {app: agent}
  ports: [{name: http, port: 80, targetPort: http, protocol: TCP}]
""")

APPLICATION: dict[str, Any] = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: agent, namespace: argocd}
spec:
  project: default
  source: {repoURL: "https://github.com/acme/agents.git", path: overlays/prod, targetRevision: main}
  destination: {server: "https://kubernetes.default.svc", namespace: agent}
  syncPolicy: {automated: {prune: true}, syncOptions: [CreateNamespace=true]}
""")
APPSET: dict[str, Any] = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: agents, namespace: argocd}
spec:
  goTemplate: true
  generators: [{list: {elements: [{env: staging}]}}]
  template:
    metadata: {name: "agent-{{.env}}"}
    spec:
      project: default
      source: {repoURL: "https://github.com/acme/agents.git", path: "overlays/{{.env}}", targetRevision: main}
      destination: {server: "https://kubernetes.default.svc", namespace: "agent-{{.env}}"}
""")
NAMESPACE: dict[str, Any] = yaml.safe_load("""
apiVersion: v1
kind: Namespace
metadata:
  name: agent-prod
  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: latest}
""")
SERVICE_ACCOUNT: dict[str, Any] = yaml.safe_load("""
apiVersion: v1
kind: ServiceAccount
metadata:
  name: adk-agent-migration
  annotations: {iam.gke.io/gcp-service-account: adk-agent@my-project.iam.gserviceaccount.com}
automountServiceAccountToken: false
imagePullSecrets: [{name: regcred}]
""")
APPPROJECT: dict[str, Any] = yaml.safe_load("""
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: adk-agent, namespace: argocd}
spec:
  description: ADK agents
  sourceRepos: ["https://github.com/acme/agents.git"]
  destinations: [{server: "https://kubernetes.default.svc", namespace: "agent-*"}]
  clusterResourceWhitelist: [{group: "", kind: Namespace}]
  roles:
    - name: ci
      policies: ["p, proj:adk-agent:ci, applications, sync, adk-agent/*, allow"]
""")
CRONJOB: dict[str, Any] = yaml.safe_load("""
apiVersion: batch/v1
kind: CronJob
metadata: {name: sessions-cleanup}
spec:
  schedule: "*/15 * * * *"
  timeZone: Europe/Berlin
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: cleanup, image: r.example/agent:1.0}]
""")
NETWORK_POLICY: dict[str, Any] = yaml.safe_load("""
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: agent-egress}
spec:
  podSelector: {matchLabels: {app: agent}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
""")

Edit = Callable[[dict[str, Any]], None]
POD = ("spec", "template", "spec")


def _at(obj: dict[str, Any], *path: str | int) -> Any:
    node: Any = obj
    for segment in path:
        node = node[segment]
    return node


def setting(*path: str | int, value: Any) -> Edit:
    def edit(obj: dict[str, Any]) -> None:
        _at(obj, *path[:-1])[path[-1]] = value

    return edit


def deleting(*path: str | int) -> Edit:
    def edit(obj: dict[str, Any]) -> None:
        del _at(obj, *path[:-1])[path[-1]]

    return edit


def appending(*path: str | int, value: Any) -> Edit:
    def edit(obj: dict[str, Any]) -> None:
        _at(obj, *path).append(value)

    return edit


def both(first: Edit, second: Edit) -> Edit:
    def edit(obj: dict[str, Any]) -> None:
        first(obj)
        second(obj)

    return edit


C = (*POD, "containers", 0)
MUTATIONS: dict[str, tuple[dict[str, Any], Edit]] = {
    "unchanged deployment": (DEPLOYMENT, lambda o: None),
    "unchanged job": (JOB, lambda o: None),
    "unchanged service": (SERVICE, lambda o: None),
    "uppercase name": (DEPLOYMENT, setting("metadata", "name", value="Agent")),
    "underscore name": (DEPLOYMENT, setting("metadata", "name", value="my_agent")),
    "dotted deployment name": (DEPLOYMENT, setting("metadata", "name", value="agent.v2")),
    "service name starts with digit": (SERVICE, setting("metadata", "name", value="1agent")),
    "label value too long": (DEPLOYMENT, setting("metadata", "labels", "team", value="x" * 64)),
    "label value with space": (DEPLOYMENT, setting("metadata", "labels", "team", value="a b")),
    "label key two slashes": (DEPLOYMENT, setting("metadata", "labels", "a/b/c", value="x")),
    "container name uppercase": (DEPLOYMENT, setting(*C, "name", value="Agent")),
    "port name too long": (DEPLOYMENT, setting(*C, "ports", 0, "name", value="http-agent-public")),
    "port name digits only": (DEPLOYMENT, setting(*C, "ports", 0, "name", value="8080")),
    "imagePullPolicy lowercase": (DEPLOYMENT, setting(*C, "imagePullPolicy", value="always")),
    "service type typo": (SERVICE, setting("spec", "type", value="Cluster")),
    "protocol lowercase": (SERVICE, setting("spec", "ports", 0, "protocol", value="tcp")),
    "restartPolicy typo": (JOB, setting(*POD, "restartPolicy", value="never")),
    "replicas negative": (DEPLOYMENT, setting("spec", "replicas", value=-1)),
    "replicas int32 overflow": (DEPLOYMENT, setting("spec", "replicas", value=2147483648)),
    "container port 70000": (DEPLOYMENT, setting(*C, "ports", 0, "containerPort", value=70000)),
    "container port 0": (DEPLOYMENT, setting(*C, "ports", 0, "containerPort", value=0)),
    "service port 0": (SERVICE, setting("spec", "ports", 0, "port", value=0)),
    "backoffLimit negative": (JOB, setting("spec", "backoffLimit", value=-1)),
    "activeDeadlineSeconds 0": (JOB, setting("spec", "activeDeadlineSeconds", value=0)),
    "maxSurge without percent": (
        DEPLOYMENT,
        setting("spec", "strategy", "rollingUpdate", "maxSurge", value="25"),
    ),
    "both surge and unavailable 0": (
        DEPLOYMENT,
        setting("spec", "strategy", "rollingUpdate", "maxSurge", value=0),
    ),
    "memory 1GB": (DEPLOYMENT, setting(*C, "resources", "requests", "memory", value="1GB")),
    "cpu negative": (DEPLOYMENT, setting(*C, "resources", "requests", "cpu", value="-1")),
    "request above limit": (DEPLOYMENT, setting(*C, "resources", "requests", "memory", value="2Gi")),
    "no image": (DEPLOYMENT, deleting(*C, "image")),
    "job without restartPolicy": (JOB, deleting(*POD, "restartPolicy")),
    "deployment restartPolicy Never": (DEPLOYMENT, setting(*POD, "restartPolicy", value="Never")),
    "selector does not match": (
        DEPLOYMENT,
        setting("spec", "template", "metadata", "labels", value={"app": "x"}),
    ),
    "empty selector": (DEPLOYMENT, setting("spec", "selector", value={})),
    "job selector without manualSelector": (
        JOB,
        setting("spec", "selector", value={"matchLabels": {"a": "b"}}),
    ),
    "clusterIP service without ports": (SERVICE, deleting("spec", "ports")),
    "two unnamed service ports": (SERVICE, setting("spec", "ports", value=[{"port": 80}, {"port": 81}])),
    "duplicate service port": (SERVICE, appending("spec", "ports", value={"name": "b", "port": 80})),
    "duplicate container name": (
        DEPLOYMENT,
        appending(*POD, "containers", value={"name": "agent", "image": "r.example/x:1"}),
    ),
    "duplicate volume": (DEPLOYMENT, appending(*POD, "volumes", value={"name": "tmp", "emptyDir": {}})),
    "mount of a missing volume": (DEPLOYMENT, setting(*C, "volumeMounts", 0, "name", value="data")),
    "duplicate mountPath": (
        DEPLOYMENT,
        appending(*C, "volumeMounts", value={"name": "tmp", "mountPath": "/tmp"}),
    ),
    "init probe without sidecar": (DEPLOYMENT, deleting(*POD, "initContainers", 0, "restartPolicy")),
    "restartPolicy on app container": (DEPLOYMENT, setting(*C, "restartPolicy", value="Always")),
    # Refused by 1.29 to 1.33 only; this 1.34 server drops the field (ContainerRestartRules off).
    "init container restartPolicy OnFailure": (
        DEPLOYMENT,
        appending(
            *POD,
            "initContainers",
            value={"name": "wait", "image": "busybox:1.36", "restartPolicy": "OnFailure"},
        ),
    ),
    "terminationGracePeriodSeconds negative": (
        DEPLOYMENT,
        setting(*POD, "terminationGracePeriodSeconds", value=-1),
    ),
    "value and valueFrom": (
        DEPLOYMENT,
        setting(*C, "env", 0, "valueFrom", value={"fieldRef": {"fieldPath": "metadata.name"}}),
    ),
    "unknown field": (DEPLOYMENT, setting(*C, "imagePullPolcy", value="Always")),
    "wrong type": (JOB, setting("spec", "backoffLimit", value="three")),
    "headless service without ports": (
        SERVICE,
        both(deleting("spec", "ports"), setting("spec", "clusterIP", value="None")),
    ),
    "env name with dot": (DEPLOYMENT, setting(*C, "env", 0, "name", value="my.var")),
    "service port name uppercase": (SERVICE, setting("spec", "ports", 0, "name", value="HTTP")),
    "volume name uppercase": (
        DEPLOYMENT,
        both(
            setting(*POD, "volumes", 0, "name", value="Tmp"),
            setting(*C, "volumeMounts", 0, "name", value="Tmp"),
        ),
    ),
    "dnsPolicy typo": (DEPLOYMENT, setting(*POD, "dnsPolicy", value="ClusterFirstt")),
    "probe period negative": (DEPLOYMENT, setting(*C, "readinessProbe", "periodSeconds", value=-1)),
    "annotation key invalid": (DEPLOYMENT, setting("metadata", "annotations", value={"bad key": "x"})),
    "unchanged application": (APPLICATION, lambda o: None),
    "unchanged applicationset": (APPSET, lambda o: None),
    "application creationTimestamp null": (APPLICATION, setting("metadata", "creationTimestamp", value=None)),
    "application null field": (APPLICATION, setting("spec", "info", value=None)),
    "application helm.valueFile": (
        APPLICATION,
        setting("spec", "source", "helm", value={"valueFile": "v.yaml"}),
    ),
    "application without project": (APPLICATION, deleting("spec", "project")),
    "application unknown spec field": (APPLICATION, setting("spec", "sync", value={})),
    "application name uppercase": (APPLICATION, setting("metadata", "name", value="Agent")),
    "applicationset generator lists": (
        APPSET,
        setting("spec", "generators", value=[{"lists": {"elements": []}}]),
    ),
    "applicationset no generators": (APPSET, setting("spec", "generators", value=[])),
    # Namespaces, ServiceAccounts and AppProjects, as new-env and init write them.
    "unchanged namespace": (NAMESPACE, lambda o: None),
    "namespace name uppercase": (NAMESPACE, setting("metadata", "name", value="Agent-Prod")),
    "namespace name with dot": (NAMESPACE, setting("metadata", "name", value="agent.prod")),
    "namespace name 64 chars": (NAMESPACE, setting("metadata", "name", value="a" * 64)),
    "namespace unknown spec field": (NAMESPACE, setting("spec", value={"finalizerz": ["kubernetes"]})),
    "namespace pod security level typo": (
        NAMESPACE,
        setting("metadata", "labels", "pod-security.kubernetes.io/enforce", value="strict"),
    ),
    "namespace pod security version typo": (
        NAMESPACE,
        setting("metadata", "labels", "pod-security.kubernetes.io/enforce-version", value="1.29"),
    ),
    "namespace pod security version pinned": (
        NAMESPACE,
        setting("metadata", "labels", "pod-security.kubernetes.io/enforce-version", value="v1.29"),
    ),
    "unchanged serviceaccount": (SERVICE_ACCOUNT, lambda o: None),
    "serviceaccount name underscore": (SERVICE_ACCOUNT, setting("metadata", "name", value="adk_agent")),
    "serviceaccount automount as string": (
        SERVICE_ACCOUNT,
        setting("automountServiceAccountToken", value="false"),
    ),
    "serviceaccount imagePullSecrets as string": (
        SERVICE_ACCOUNT,
        setting("imagePullSecrets", value="regcred"),
    ),
    "serviceaccount spec field": (SERVICE_ACCOUNT, setting("spec", value={"automount": False})),
    "serviceaccount annotation key invalid": (
        SERVICE_ACCOUNT,
        setting("metadata", "annotations", value={"iam.gke.io/gcp service account": "x"}),
    ),
    "unchanged appproject": (APPPROJECT, lambda o: None),
    "appproject destination singular": (
        APPPROJECT,
        setting("spec", "destination", value={"namespace": "*", "server": "*"}),
    ),
    "appproject sourceRepos as string": (APPPROJECT, setting("spec", "sourceRepos", value="*")),
    "appproject policies as string": (
        APPPROJECT,
        setting("spec", "roles", 0, "policies", value="p, proj:adk-agent:ci, applications, sync, */*, allow"),
    ),
    "appproject whitelist with version": (
        APPPROJECT,
        setting("spec", "clusterResourceWhitelist", 0, "version", value="v1"),
    ),
    "appproject name uppercase": (APPPROJECT, setting("metadata", "name", value="ADK")),
    "appproject creationTimestamp null": (APPPROJECT, setting("metadata", "creationTimestamp", value=None)),
    # More of the server's own rules on the kinds the overlays render.
    "recreate with rollingUpdate": (DEPLOYMENT, setting("spec", "strategy", "type", value="Recreate")),
    "progressDeadline below minReady": (
        DEPLOYMENT,
        both(
            setting("spec", "minReadySeconds", value=30),
            setting("spec", "progressDeadlineSeconds", value=10),
        ),
    ),
    "revisionHistoryLimit negative": (DEPLOYMENT, setting("spec", "revisionHistoryLimit", value=-1)),
    "probe with two handlers": (
        DEPLOYMENT,
        setting(*C, "readinessProbe", "exec", value={"command": ["true"]}),
    ),
    "probe without handler": (DEPLOYMENT, setting(*C, "readinessProbe", value={"periodSeconds": 5})),
    "runAsUser negative": (DEPLOYMENT, setting(*C, "securityContext", value={"runAsUser": -1})),
    "runAsUser numeric string": (DEPLOYMENT, setting(*C, "securityContext", value={"runAsUser": "1000"})),
    "emptyDir sizeLimit 1GB": (
        DEPLOYMENT,
        setting(*POD, "volumes", 0, "emptyDir", value={"sizeLimit": "1GB"}),
    ),
    "cpu limit malformed": (DEPLOYMENT, setting(*C, "resources", "limits", "cpu", value="0.5.1")),
    "duplicate container port name": (
        DEPLOYMENT,
        appending(*C, "ports", value={"name": "http", "containerPort": 8081}),
    ),
    "label value trailing dash": (DEPLOYMENT, setting("metadata", "labels", "team", value="agents-")),
    "template label value too long": (
        DEPLOYMENT,
        both(
            setting("spec", "template", "metadata", "labels", "app", value="a" * 64),
            setting("spec", "selector", "matchLabels", "app", value="a" * 64),
        ),
    ),
    "image with spaces": (DEPLOYMENT, setting(*C, "image", value="r.example/agent: 1.0")),
    "image with trailing space": (DEPLOYMENT, setting(*C, "image", value="r.example/agent:1.0 ")),
    "completionMode Indexed without completions": (JOB, setting("spec", "completionMode", value="Indexed")),
    "podFailurePolicy with OnFailure": (
        JOB,
        both(
            setting(*POD, "restartPolicy", value="OnFailure"),
            setting(
                "spec",
                "podFailurePolicy",
                value={"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]},
            ),
        ),
    ),
    "podFailurePolicy accepted": (
        JOB,
        setting(
            "spec",
            "podFailurePolicy",
            value={"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]},
        ),
    ),
    "completions below parallelism accepted": (
        JOB,
        both(setting("spec", "completions", value=1), setting("spec", "parallelism", value=3)),
    ),
    "externalName service without externalName": (SERVICE, setting("spec", "type", value="ExternalName")),
    "nodePort on a ClusterIP service": (SERVICE, setting("spec", "ports", 0, "nodePort", value=30080)),
    "targetPort 0": (SERVICE, setting("spec", "ports", 0, "targetPort", value=0)),
    "targetPort name too long": (
        SERVICE,
        setting("spec", "ports", 0, "targetPort", value="http-agent-public"),
    ),
    "loadBalancer with clusterIP None": (
        SERVICE,
        both(setting("spec", "type", value="LoadBalancer"), setting("spec", "clusterIP", value="None")),
    ),
    # Schedules, time zones and CIDRs (kube/validation/cron.py; ParseCIDRSloppy).
    "unchanged cronjob": (CRONJOB, lambda o: None),
    "cron schedule in words": (CRONJOB, setting("spec", "schedule", value="every 5 minutes")),
    "cron hour 24": (CRONJOB, setting("spec", "schedule", value="0 24 * * *")),
    "cron six fields": (CRONJOB, setting("spec", "schedule", value="0 0 * * * *")),
    "cron day of week 7": (CRONJOB, setting("spec", "schedule", value="0 0 * * 7")),
    "cron step 0": (CRONJOB, setting("spec", "schedule", value="*/0 * * * *")),
    "cron names and ranges": (CRONJOB, setting("spec", "schedule", value="30 2 1-15 jan-mar MON-FRI")),
    "cron descriptor": (CRONJOB, setting("spec", "schedule", value="@daily")),
    "cron every": (CRONJOB, setting("spec", "schedule", value="@every 90m")),
    "cron unknown descriptor": (CRONJOB, setting("spec", "schedule", value="@fortnightly")),
    "cron TZ in schedule": (CRONJOB, setting("spec", "schedule", value="CRON_TZ=UTC 0 * * * *")),
    "time zone Local": (CRONJOB, setting("spec", "timeZone", value="Local")),
    "time zone unknown": (CRONJOB, setting("spec", "timeZone", value="Mars/Olympus_Mons")),
    "time zone UTC": (CRONJOB, setting("spec", "timeZone", value="UTC")),
    "cronjob name 53 chars": (CRONJOB, setting("metadata", "name", value="c" * 53)),
    "unchanged networkpolicy": (NETWORK_POLICY, lambda o: None),
    "cidr without prefix": (
        NETWORK_POLICY,
        setting("spec", "egress", 0, "to", 0, "ipBlock", "cidr", value="10.0.0.0"),
    ),
    "cidr prefix 33": (
        NETWORK_POLICY,
        setting("spec", "egress", 0, "to", 0, "ipBlock", "cidr", value="10.0.0.0/33"),
    ),
    "cidr with host bits": (
        NETWORK_POLICY,
        setting("spec", "egress", 0, "to", 0, "ipBlock", "cidr", value="10.1.2.3/8"),
    ),
    "cidr ipv6": (NETWORK_POLICY, setting("spec", "egress", 0, "to", 0, "ipBlock", "cidr", value="fd00::/8")),
    "except not a cidr": (
        NETWORK_POLICY,
        setting("spec", "egress", 0, "to", 0, "ipBlock", "except", value=["10.1.0.0/16", "nope"]),
    ),
    "load balancer source range invalid": (
        SERVICE,
        both(
            setting("spec", "type", value="LoadBalancer"),
            setting("spec", "loadBalancerSourceRanges", value=["203.0.113.0/24", "203.0.113.0/40"]),
        ),
    ),
    "load balancer source ranges valid": (
        SERVICE,
        both(
            setting("spec", "type", value="LoadBalancer"),
            setting("spec", "loadBalancerSourceRanges", value=["203.0.113.0/24", "2001:db8::/32"]),
        ),
    ),
}
# The same, written as YAML text: kubectl reads plain scalars as YAML 1.1.
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\n"
STATEFULSET = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - {name: db, image: r.example/db:16, volumeMounts: [{name: data, mountPath: /data}]}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""
CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.corpus.example.com}
spec:
  group: corpus.example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A widget.
          properties:
            spec: {type: object, properties: {description: {type: string, description: Its text.}}}
"""
NAMESPACE_TEXT = "apiVersion: v1\nkind: Namespace\n"
TEXTS: dict[str, str] = {
    "configmap value y": CONFIGMAP + "data: {ENABLED: y}\n",
    "configmap value quoted y": CONFIGMAP + 'data: {ENABLED: "y"}\n',
    "configmap value 1e3": CONFIGMAP + "data: {RATIO: 1e3}\n",
    "configmap value on": CONFIGMAP + "data: {DEBUG: on}\n",
    "configmap value 1:20": CONFIGMAP + "data: {WINDOW: 1:20}\n",
    "configmap key n": CONFIGMAP + "data: {n: x}\n",
    "configmap keys y and true": CONFIGMAP + 'data: {y: "a", "true": "b", true: "c"}\n',
    "namespace label value yes": NAMESPACE_TEXT + "metadata: {name: a-x, labels: {managed: yes}}\n",
    "namespace named no": NAMESPACE_TEXT + "metadata: {name: no}\n",
    "replicas 1e3": yaml.safe_dump(DEPLOYMENT).replace("replicas: 2", "replicas: 1e3"),
    "replicas 2.5": yaml.safe_dump(DEPLOYMENT).replace("replicas: 2", "replicas: 2.5"),
    "env value 1:20": yaml.safe_dump(DEPLOYMENT).replace("value: '8080'", "value: 1:20"),
    "env value 8080 unquoted": yaml.safe_dump(DEPLOYMENT).replace("value: '8080'", "value: 8080"),
    "containerPort hex": yaml.safe_dump(DEPLOYMENT).replace("containerPort: 8080", "containerPort: 0x1F90"),
    "statefulset mounts its claim template": STATEFULSET,
    "crd with a field named description": CRD,
    "priorityclass description": "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
    "metadata: {name: corpus-high}\nvalue: 1000\ndescription: For the agent.\n",
}
# Where check and the server disagree, and why.
KNOWN_LIMITS: dict[str, str] = {}


def _server(apiserver: ApiServer, text: str) -> bool:
    done = apiserver.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", "-", stdin=text)
    return done.returncode != 0


def _check(text: str, tmp: Path) -> bool:
    path = tmp / "object.yaml"
    path.write_text(text)
    report = pipeline.check(
        [Target(path.name, path, TargetKind.FILE)],
        kubernetes_versions=(DEFAULT_VERSION,),
        repo_root=tmp,
    )
    return any(f.rule in JUDGES and f.severity is Severity.ERROR for f in report.findings)


def test_check_and_the_server_agree_on_the_corpus(argocd_crds: ApiServer, tmp_path: Path) -> None:
    apiserver = argocd_crds
    apiserver.kubectl("create", "namespace", "argocd")
    disagree: dict[str, str] = {}
    server_rejections = missed = 0
    texts = dict(TEXTS)
    for name, (base, edit) in MUTATIONS.items():
        obj = copy.deepcopy(base)
        edit(obj)
        texts[name] = yaml.safe_dump(obj)
    for name, text in texts.items():
        by_server, by_check = _server(apiserver, text), _check(text, tmp_path)
        server_rejections += by_server
        missed += by_server and not by_check
        if by_server != by_check:
            verdicts = ("rejects" if by_server else "accepts", "rejects" if by_check else "accepts")
            disagree[name] = "server {}, check {}".format(*verdicts)
    print(f"corpus: {len(texts)} objects, server rejects {server_rejections}, check misses {missed}")
    unexpected = {k: v for k, v in disagree.items() if k not in KNOWN_LIMITS}
    assert unexpected == {}, "\n".join(f"{k}: {v}" for k, v in sorted(unexpected.items()))
    assert set(KNOWN_LIMITS) <= set(disagree), "a known limit no longer disagrees: remove it"
    assert server_rejections >= 30
    assert missed * 5 <= server_rejections
