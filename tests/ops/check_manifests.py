#!/usr/bin/env python3
"""Checks k8s/, docker-compose.yml and the Dockerfile against each other and against selfheal.

Run from anywhere: python3 tests/ops/check_manifests.py. Needs PyYAML and kubernetes-validate
(scripts/ops-test.sh installs both). Uses `kubectl kustomize` as well when kubectl is present.

What a user would otherwise find out the hard way, on a cluster:
- the rendered manifests are valid Kubernetes objects (strict schema: a misspelt field fails);
- every rules/ and plugins/ .lua file reaches its ConfigMap, mounted as a directory (no subPath,
  which would stop hot reload) at the folder selfheal is told to read;
- each role listens, is probed and scraped on the port its Service and the manager's URLs use;
- every environment variable given to selfheal is one it reads, every Secret key referenced
  exists in the Secret template, and the template holds placeholders only;
- compose and the Dockerfile use the same ports, paths, commands and variables as k8s.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import yaml

from opscheck import REPO, Checks, environment_variables_read

K8S = REPO / "k8s"
NAMESPACE = "agent-system"
# Kubernetes versions whose schemas the manifests must satisfy: a widely deployed one, and the
# newest kubernetes-validate ships (added at run time).
KUBE_VERSIONS = ["1.31.0"]
ROLES = {"manager": 8000, "worker": 8001, "evaluator": 8002}
SECRET = "selfheal-secrets"
CLUSTER_SCOPED = {"Namespace"}


def load_docs(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def render_kustomization(checks: Checks) -> tuple[dict, list[dict]]:
    """What `kustomize build` makes of k8s/, for the features k8s/kustomization.yaml uses."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    objects: list[dict] = []
    for resource in kustomization.get("resources", []):
        objects.extend(load_docs(K8S / resource))
    for generator in kustomization.get("configMapGenerator", []):
        data = {}
        for entry in generator.get("files", []):
            key, _, source = entry.rpartition("=") if "=" in entry else ("", "", entry)
            path = (K8S / source).resolve()
            data[key or path.name] = path.read_text(encoding="utf-8") if path.is_file() else None
        objects.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": generator["name"]}, "data": data})
    images = {image["name"]: image for image in kustomization.get("images", [])}
    for obj in objects:
        if obj["kind"] not in CLUSTER_SCOPED and kustomization.get("namespace"):
            obj["metadata"]["namespace"] = kustomization["namespace"]
        for container in containers_of(obj):
            name, _, tag = container["image"].partition(":")
            if name in images:
                image = images[name]
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"
    return kustomization, objects


def pod_spec(obj: dict) -> dict | None:
    spec = obj.get("spec", {})
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return spec["template"]["spec"]
    if obj["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    return None


def containers_of(obj: dict) -> list[dict]:
    spec = pod_spec(obj)
    return spec.get("containers", []) if spec else []


def find(objects: list[dict], kind: str, name: str) -> dict | None:
    return next((o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name), None)


def selfheal_containers(objects: list[dict], image_name: str) -> list[tuple[dict, dict]]:
    return [(o, c) for o in objects for c in containers_of(o) if c["image"].split(":")[0].endswith(image_name)]


def container_env(container: dict, objects: list[dict]) -> dict[str, str | dict]:
    """Every variable a container gets: envFrom ConfigMaps first, then env (which wins)."""
    env: dict[str, str | dict] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            config = find(objects, "ConfigMap", source["configMapRef"]["name"])
            env.update((config or {}).get("data", {}))
        else:
            env["<envFrom secret>"] = "everything in a Secret: names cannot be checked"
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", item.get("valueFrom", {}))
    return env


def port_number(container: dict, port: int | str) -> int | None:
    if isinstance(port, int):
        return port
    return next((p["containerPort"] for p in container.get("ports", []) if p.get("name") == port), None)


def check_kustomization(checks: Checks, kustomization: dict, objects: list[dict]) -> None:
    for folder, name in (("rules", "selfheal-rules"), ("plugins", "selfheal-plugins")):
        generator = next((g for g in kustomization.get("configMapGenerator", []) if g["name"] == name), None)
        if not checks.expect(generator is not None, f"kustomization generates ConfigMap {name}", "no configMapGenerator entry"):
            continue
        listed = sorted(Path(entry.split("=")[-1]).name for entry in generator.get("files", []))
        on_disk = sorted(p.name for p in (REPO / folder).glob("*.lua"))
        missing, extra = sorted(set(on_disk) - set(listed)), sorted(set(listed) - set(on_disk))
        checks.expect(
            not missing and not extra, f"ConfigMap {name} lists exactly the {len(on_disk)} .lua files of {folder}/",
            f"missing from kustomization.yaml: {missing}; listed but not in {folder}/: {extra}",
        )
    checks.expect(
        kustomization.get("generatorOptions", {}).get("disableNameSuffixHash") is True,
        "generated ConfigMaps keep fixed names (disableNameSuffixHash), so re-applying updates them in place",
    )
    checks.expect_empty(
        [f"{o['kind']}/{o['metadata']['name']}" for o in objects if o["kind"] not in CLUSTER_SCOPED and o["metadata"].get("namespace") != NAMESPACE],
        f"every namespaced object lands in {NAMESPACE}",
    )
    checks.expect(find(objects, "Namespace", NAMESPACE) is not None, f"the Namespace {NAMESPACE} is part of the kustomization")
    checks.expect(
        not any(o["kind"] == "Secret" for o in objects),
        "the kustomization applies no Secret (placeholders must never overwrite real keys)",
    )


def check_kubectl_render(checks: Checks, objects: list[dict]) -> None:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        print("SKIP kubectl kustomize: kubectl not installed (the Python rendering above is used)")
        return
    run = subprocess.run(
        [kubectl, "kustomize", "--load-restrictor", "LoadRestrictionsNone", str(K8S)], capture_output=True, text=True
    )
    if not checks.expect(run.returncode == 0, "kubectl kustomize renders k8s/", run.stderr.strip()[-500:]):
        return
    rendered = [d for d in yaml.safe_load_all(run.stdout) if d]
    theirs = sorted((d["kind"], d["metadata"]["name"]) for d in rendered)
    ours = sorted((o["kind"], o["metadata"]["name"]) for o in objects)
    checks.expect(theirs == ours, "kubectl kustomize yields the objects these checks examine", f"kubectl: {theirs}; checks: {ours}")
    generated = {d["metadata"]["name"]: d.get("data", {}) for d in rendered if d["kind"] == "ConfigMap"}
    for name in ("selfheal-rules", "selfheal-plugins"):
        ours_data = (find(objects, "ConfigMap", name) or {}).get("data", {})
        checks.expect(generated.get(name) == ours_data, f"kubectl kustomize puts the same files into {name}")


def check_schemas(checks: Checks, objects: list[dict], secret_template: list[dict]) -> None:
    try:
        import kubernetes_validate
    except ImportError:
        checks.fail("Kubernetes schema validation", "kubernetes-validate is not installed (pip install kubernetes-validate)")
        return
    versions = KUBE_VERSIONS + [v for v in [kubernetes_validate.latest_version()] if v not in KUBE_VERSIONS]
    for version in versions:
        problems = []
        for obj in objects + secret_template:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                problems.append(f"{obj['kind']}/{obj['metadata']['name']}: {error.message}")
            except Exception as error:  # schema missing for this version, etc.
                problems.append(f"{obj['kind']}/{obj['metadata']['name']}: {type(error).__name__}: {error}")
        checks.expect_empty(problems, f"{len(objects) + len(secret_template)} objects valid against Kubernetes {version} schemas (strict)")


def check_roles(checks: Checks, objects: list[dict]) -> None:
    for role, port in ROLES.items():
        deployment = find(objects, "Deployment", role)
        if not checks.expect(deployment is not None, f"Deployment {role} exists"):
            continue
        container = containers_of(deployment)[0]
        args = container.get("command", [])[1:] + container.get("args", []) if container.get("command") else container.get("args", [])
        checks.expect(
            args == ["--role", role, "--host", "0.0.0.0", "--port", str(port)],
            f"{role} runs `selfheal --role {role} --host 0.0.0.0 --port {port}`", f"args are {args}",
        )
        problems = []
        for probe in ("readinessProbe", "livenessProbe"):
            http = container.get(probe, {}).get("httpGet", {})
            if http.get("path") != "/health" or port_number(container, http.get("port")) != port:
                problems.append(f"{probe} is {http or 'not an HTTP GET'}")
        checks.expect_empty(problems, f"{role} has readiness and liveness probes on /health:{port}")
        resources = container.get("resources", {})
        checks.expect(
            all(k in resources.get(part, {}) for part in ("requests", "limits") for k in ("cpu", "memory")),
            f"{role} sets cpu and memory requests and limits", f"resources are {resources}",
        )
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        checks.expect(
            annotations.get("prometheus.io/scrape") == "true" and annotations.get("prometheus.io/path") == "/metrics"
            and annotations.get("prometheus.io/port") == str(port),
            f"{role} pods are annotated for Prometheus (/metrics on {port})", f"annotations are {annotations}",
        )
        service = find(objects, "Service", role)
        pod_labels = deployment["spec"]["template"]["metadata"].get("labels", {})
        if checks.expect(service is not None, f"Service {role} exists"):
            selector = service["spec"].get("selector", {})
            service_port = service["spec"]["ports"][0]
            checks.expect(
                selector and all(pod_labels.get(k) == v for k, v in selector.items())
                and service_port["port"] == port and port_number(container, service_port.get("targetPort", port)) == port,
                f"Service {role} selects the {role} pods and forwards port {port}", f"selector {selector}, ports {service['spec']['ports']}",
            )

    cronjob = find(objects, "CronJob", "optimizer")
    if checks.expect(cronjob is not None, "CronJob optimizer exists"):
        args = containers_of(cronjob)[0].get("args", [])
        checks.expect(
            args[:2] == ["--role", "optimizer"] and "--interval" not in args,
            "the optimizer CronJob runs one pass (`--role optimizer`, no --interval)", f"args are {args}",
        )
        checks.expect(cronjob["spec"].get("concurrencyPolicy") == "Forbid", "the optimizer CronJob never overlaps (concurrencyPolicy: Forbid)")

    config = find(objects, "ConfigMap", "selfheal-config") or {"data": {}}
    for variable, role in (("WORKER_URL", "worker"), ("EVALUATOR_URL", "evaluator")):
        url = urlparse(config["data"].get(variable, ""))
        service = find(objects, "Service", url.hostname or "")
        checks.expect(
            url.scheme == "http" and url.hostname == role and service is not None
            and any(p["port"] == url.port for p in service["spec"]["ports"]),
            f"{variable} reaches the {role} Service", f"{variable}={config['data'].get(variable)!r}",
        )


def check_postgres(checks: Checks, objects: list[dict], secret: dict) -> None:
    statefulset = find(objects, "StatefulSet", "postgres")
    if not checks.expect(statefulset is not None, "PostgreSQL runs as a StatefulSet"):
        return
    checks.expect(bool(statefulset["spec"].get("volumeClaimTemplates")), "the PostgreSQL StatefulSet keeps its data in a PersistentVolumeClaim template")
    service = find(objects, "Service", statefulset["spec"]["serviceName"])
    checks.expect(
        service is not None and service["spec"].get("clusterIP") == "None",
        "the StatefulSet's serviceName is a headless Service", f"serviceName {statefulset['spec']['serviceName']!r}",
    )
    url = urlparse(secret.get("stringData", {}).get("SELFHEAL_DATABASE_URL", ""))
    ports = [p["port"] for p in (service or {}).get("spec", {}).get("ports", [])]
    checks.expect(
        url.scheme == "postgres" and url.hostname == (service or {}).get("metadata", {}).get("name") and url.port in ports,
        "the template's SELFHEAL_DATABASE_URL points at the PostgreSQL Service", f"URL host {url.hostname}:{url.port}",
    )
    env = {e["name"]: e for e in containers_of(statefulset)[0].get("env", [])}
    password_ref = env.get("POSTGRES_PASSWORD", {}).get("valueFrom", {}).get("secretKeyRef", {})
    checks.expect(
        password_ref.get("name") == SECRET and url.password == secret.get("stringData", {}).get(password_ref.get("key")),
        "PostgreSQL's password and the one inside SELFHEAL_DATABASE_URL come from the same Secret and agree",
    )
    checks.expect(
        url.username == env.get("POSTGRES_USER", {}).get("value") and url.path.lstrip("/") == env.get("POSTGRES_DB", {}).get("value"),
        "SELFHEAL_DATABASE_URL names the user and database PostgreSQL creates",
    )


def check_environment(checks: Checks, objects: list[dict], secret: dict, known: set[str]) -> dict[str, dict]:
    """Returns each selfheal workload's environment for the compose comparison."""
    secret_keys = set(secret.get("stringData", {}))
    unknown, missing_keys, database_not_secret = [], [], []
    environments: dict[str, dict] = {}
    for obj, container in selfheal_containers(objects, "selfheal"):
        env = container_env(container, objects)
        environments[obj["metadata"]["name"]] = env
        unknown += [f"{obj['metadata']['name']}: {name}" for name in env if name not in known]
        for name, value in env.items():
            ref = value.get("secretKeyRef") if isinstance(value, dict) else None
            if ref and (ref.get("name") != SECRET or ref.get("key") not in secret_keys):
                missing_keys.append(f"{obj['metadata']['name']}: {name} -> {ref}")
        if not (isinstance(env.get("SELFHEAL_DATABASE_URL"), dict) and "secretKeyRef" in env["SELFHEAL_DATABASE_URL"]):
            database_not_secret.append(obj["metadata"]["name"])
    checks.expect_empty(unknown, f"every environment variable given to selfheal in k8s is one it reads ({len(known)} known)")
    checks.expect_empty(missing_keys, "every secretKeyRef names a key of the Secret template")
    checks.expect_empty(database_not_secret, "every selfheal workload takes SELFHEAL_DATABASE_URL from the Secret")
    return environments


def check_mounts(checks: Checks, objects: list[dict]) -> None:
    wanted = {"evaluator": [("selfheal-rules", "SELFHEAL_RULES_DIR")],
              "worker": [("selfheal-plugins", "SELFHEAL_PLUGINS_DIR")],
              "optimizer": [("selfheal-plugins", "SELFHEAL_PLUGINS_DIR")]}
    for workload, mounts in wanted.items():
        obj = find(objects, "Deployment", workload) or find(objects, "CronJob", workload)
        if obj is None:
            checks.fail(f"{workload} mounts", "workload missing")
            continue
        container = containers_of(obj)[0]
        env = container_env(container, objects)
        volumes = {v["name"]: v for v in pod_spec(obj).get("volumes", [])}
        for config_map, variable in mounts:
            mount = next((m for m in container.get("volumeMounts", [])
                          if volumes.get(m["name"], {}).get("configMap", {}).get("name") == config_map), None)
            checks.expect(
                mount is not None and mount.get("mountPath") == env.get(variable),
                f"{workload} mounts ConfigMap {config_map} at {variable} ({env.get(variable)})",
                f"mount {mount}, {variable}={env.get(variable)!r}",
            )
    sub_paths = [f"{o['metadata']['name']}: {m['mountPath']}" for o in objects for c in containers_of(o)
                 for m in c.get("volumeMounts", []) if m.get("subPath") or m.get("subPathExpr")]
    checks.expect_empty(sub_paths, "no subPath mounts (they never see ConfigMap updates, so hot reload would stop)")


def check_secret_template(checks: Checks, secret_docs: list[dict], kustomization: dict) -> dict:
    secret = secret_docs[0] if secret_docs else {}
    checks.expect(
        secret.get("kind") == "Secret" and secret.get("metadata", {}).get("name") == SECRET
        and secret.get("metadata", {}).get("namespace") == NAMESPACE,
        f"k8s/secret.template.yaml is the Secret {SECRET} in {NAMESPACE}",
    )
    values = secret.get("stringData", {})
    required = {"LLM_API_KEY", "SELFHEAL_API_KEYS", "SELFHEAL_ADMIN_TOKEN", "SELFHEAL_SERVICE_TOKEN", "SELFHEAL_DATABASE_URL"}
    checks.expect(required <= set(values), "the Secret template has the LLM key, the three tokens and the database URL", f"missing {sorted(required - set(values))}")
    checks.expect_empty(
        [k for k, v in values.items() if "CHANGE-ME" not in str(v)],
        "every Secret template value is a CHANGE-ME placeholder (no real credentials in the repository)",
    )
    checks.expect("secret.template.yaml" not in kustomization.get("resources", []), "the Secret template is not applied by the kustomization")
    return secret


def check_compose(checks: Checks, k8s_env: dict[str, dict], known: set[str], rules_dir: str, plugins_dir: str) -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose.get("services", {})
    postgres = services.get("postgres", {})
    checks.expect(
        str(postgres.get("image", "")).startswith("postgres:16") and postgres.get("healthcheck") and postgres.get("volumes"),
        "compose runs PostgreSQL 16 with a volume and a health check",
    )
    for role, port in ROLES.items():
        service = services.get(role, {})
        checks.expect(
            service.get("command") == ["--role", role, "--host", "0.0.0.0", "--port", str(port)],
            f"compose runs {role} as k8s does (--role {role} --host 0.0.0.0 --port {port})", f"command {service.get('command')}",
        )
        checks.expect(
            any(str(p).endswith(f":{port}:{port}") or str(p) == f"{port}:{port}" for p in service.get("ports", [])),
            f"compose publishes {role} on port {port}",
        )
    optimizer = services.get("optimizer", {}).get("command", [])
    checks.expect(optimizer[:2] == ["--role", "optimizer"] and "--interval" in optimizer, "compose loops the optimizer (--role optimizer --interval N)", f"command {optimizer}")

    problems, differences = [], []
    for name in list(ROLES) + ["optimizer"]:
        env = services.get(name, {}).get("environment", {})
        problems += [f"{name}: {v}" for v in env if v not in known]
        ours, theirs = set(env), set(k8s_env.get(name, {}))
        if ours != theirs:
            differences.append(f"{name}: only compose {sorted(ours - theirs)}, only k8s {sorted(theirs - ours)}")
        for variable, expected in (("SELFHEAL_RULES_DIR", rules_dir), ("SELFHEAL_PLUGINS_DIR", plugins_dir),
                                   ("WORKER_URL", "http://worker:8001"), ("EVALUATOR_URL", "http://evaluator:8002")):
            if env.get(variable) != expected:
                differences.append(f"{name}: {variable}={env.get(variable)!r}, k8s {expected!r}")
    checks.expect_empty(problems, "every environment variable compose gives selfheal is one it reads")
    checks.expect_empty(differences, "compose gives each role the same variables (and paths, URLs) as k8s")

    mounts = []
    for name, folder, target in (("evaluator", "rules", rules_dir), ("worker", "plugins", plugins_dir), ("optimizer", "plugins", plugins_dir)):
        if not any(str(v).startswith(f"./{folder}:{target}") for v in services.get(name, {}).get("volumes", [])):
            mounts.append(f"{name} lacks ./{folder}:{target}")
    checks.expect_empty(mounts, "compose bind-mounts rules/ and plugins/ where selfheal reads them (edits hot-reload)")


def check_dockerfile(checks: Checks, known: set[str], rules_dir: str, plugins_dir: str, run_as: int | None) -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.replace("\\\n", " ").splitlines() if line.strip() and not line.strip().startswith("#")]
    starts = [i for i, line in enumerate(lines) if line.upper().startswith("FROM ")]
    stages = [lines[i].split()[1] for i in starts]
    runtime_image = stages[-1] if stages else ""
    checks.expect(
        len(stages) >= 2 and stages[0].startswith("swift:")
        and (runtime_image in ("debian:12-slim", "debian:bookworm-slim") or (runtime_image.startswith("swift:") and "slim" in runtime_image)),
        "Dockerfile builds in a swift image and runs in a slim Debian 12 image", f"stages {stages}",
    )
    build = " ".join(lines[starts[0]:starts[-1]]) if len(starts) >= 2 else ""
    runtime = " ".join(lines[starts[-1]:]) if starts else ""
    build = " ".join(build.split())  # continuation lines leave runs of spaces
    checks.expect(
        "liblua5.4-dev" in build and "libsqlite3-dev" in build and "swift build -c release --product selfheal" in build,
        "the build stage installs liblua5.4-dev and libsqlite3-dev and builds the selfheal product in release mode",
    )
    checks.expect_empty(
        [p for p in ("liblua5.4-0", "libsqlite3-0", "python3", "util-linux", "ca-certificates") if p not in runtime],
        "the runtime image installs liblua5.4-0, libsqlite3-0 (the SQLite store), python3 (sandbox), util-linux and ca-certificates",
    )
    checks.expect("COPY rules/ " in runtime and "COPY plugins/ " in runtime, "the image ships rules/ and plugins/")
    user = next((l.split()[1] for l in reversed(lines) if l.upper().startswith("USER ")), "root")
    uid_match = [l for l in lines if "useradd" in l and f"--uid {run_as}" in l]
    checks.expect(
        user.split(":")[0] not in ("root", "0") and bool(uid_match),
        f"the image runs as a non-root user with uid {run_as} (the manifests' runAsUser)", f"USER {user}",
    )
    exposed = sorted(int(p) for l in lines if l.upper().startswith("EXPOSE ") for p in l.split()[1:])
    checks.expect(exposed == sorted(ROLES.values()), "the image exposes 8000 8001 8002", f"EXPOSE {exposed}")
    checks.expect(any(l.replace(" ", "") == 'ENTRYPOINT["selfheal"]' for l in lines), 'ENTRYPOINT ["selfheal"]')
    env = {}
    for line in lines:
        if line.upper().startswith("ENV "):
            for pair in line[4:].split():
                name, _, value = pair.partition("=")
                env[name] = value
    checks.expect_empty([n for n in env if n not in known], "every ENV of the image is a variable selfheal reads")
    checks.expect(
        env.get("SELFHEAL_RULES_DIR") == rules_dir and env.get("SELFHEAL_PLUGINS_DIR") == plugins_dir,
        "the image's rules and plugins paths are the ones k8s mounts", f"ENV {env}",
    )
    ignored = [l.strip() for l in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    needed = {"Sources", "Package.swift", "rules", "plugins"}
    checks.expect(".build" in ignored and not needed & set(ignored), ".dockerignore drops .build but keeps what the build copies", f"ignored {ignored}")


def main() -> None:
    checks = Checks("k8s manifests, docker-compose.yml, Dockerfile")
    known = environment_variables_read()
    kustomization, objects = render_kustomization(checks)
    secret_docs = load_docs(K8S / "secret.template.yaml")
    check_kustomization(checks, kustomization, objects)
    check_kubectl_render(checks, objects)
    check_schemas(checks, objects, secret_docs)
    secret = check_secret_template(checks, secret_docs, kustomization)
    check_roles(checks, objects)
    check_postgres(checks, objects, secret)
    environments = check_environment(checks, objects, secret, known)
    check_mounts(checks, objects)
    config = (find(objects, "ConfigMap", "selfheal-config") or {}).get("data", {})
    run_as = {pod_spec(o).get("securityContext", {}).get("runAsUser") for o, _ in selfheal_containers(objects, "selfheal")}
    checks.expect(len(run_as) == 1, "every selfheal workload runs as the same user", f"runAsUser {run_as}")
    check_compose(checks, environments, known, config.get("SELFHEAL_RULES_DIR"), config.get("SELFHEAL_PLUGINS_DIR"))
    check_dockerfile(checks, known, config.get("SELFHEAL_RULES_DIR"), config.get("SELFHEAL_PLUGINS_DIR"), next(iter(run_as), None))
    checks.finish()


if __name__ == "__main__":
    main()
