"""The deploy bundles against a real kube-apiserver (scripts/peers/controlplane.py).

test_deploy.py validates the renders offline against kubernetes-validate's schemas; here the API
server itself judges them: every overlay's render and every render with the `namespaced/`
component passes a server-side dry run (`kubectl apply --server-side --dry-run=server`: defaulting,
the server's own schemas and validation, admission), and the per-namespace binding, really
applied, grants the backend's ServiceAccount its rules in the listed namespaces and nowhere else,
as the API server's authorizer answers (SubjectAccessReview).
"""

from __future__ import annotations

import os
import uuid

import pytest
import yaml

from real_cluster import kubectl
from test_deploy import NAMESPACE, VERBS, agent_namespaces, bundle_dir, cases, group, kustomize, namespaced_kustomization, one, plurals


def ensure_namespace(control_plane, name: str) -> None:
    code, body = control_plane.request("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
    assert code in (201, 409), body


def dry_run(control_plane, docs: list[dict]) -> str:
    """Server-side dry run of `docs`; fails with the API server's answer when it refuses one."""
    for namespace in {NAMESPACE} | {d["metadata"]["namespace"] for d in docs if "namespace" in d["metadata"]}:
        ensure_namespace(control_plane, namespace)
    return kubectl(control_plane.kubeconfig, "apply", "--server-side", "--dry-run=server", "--field-manager=deploy-test",
                   "-f", "-", stdin=yaml.safe_dump_all(docs))


def render(folder) -> list[dict]:
    return [d for d in yaml.safe_load_all(kustomize(folder)) if d]


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_the_overlay_passes_a_server_side_dry_run(control_plane, bundle, plugin, target):
    docs = render(bundle_dir(bundle, plugin) / "overlays" / target["id"])
    out = dry_run(control_plane, docs)
    for doc in docs:
        assert f"{doc['metadata']['name']} serverside-applied (server dry run)" in out, (doc["kind"], out)
    assert "networkpolicy.networking.k8s.io/" in out


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_the_namespaced_render_passes_a_server_side_dry_run(control_plane, bundle, plugin, target, tmp_path):
    docs = render(namespaced_kustomization(tmp_path / "user", bundle, plugin, target))
    out = dry_run(control_plane, docs)
    assert out.count("rolebinding.rbac.authorization.k8s.io/") == len(agent_namespaces(docs)), out
    assert "clusterrolebinding" not in out


def sar(control_plane, account: str, api_group: str, plural: str, verb: str, namespace: str) -> bool:
    review = {
        "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
        "spec": {"user": f"system:serviceaccount:{NAMESPACE}:{account}",
                 "groups": ["system:serviceaccounts", f"system:serviceaccounts:{NAMESPACE}", "system:authenticated"],
                 "resourceAttributes": {"group": api_group, "resource": plural, "verb": verb, "namespace": namespace}},
    }
    code, answer = control_plane.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
    assert code == 201, answer
    return answer["status"]["allowed"]


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_the_namespaced_binding_grants_the_listed_namespaces_only(control_plane, bundle, plugin, target, tmp_path):
    # A name prefix of its own, so the objects the end-to-end tests apply (the cluster-wide
    # binding of the same plugin) stay untouched on the shared control plane.
    prefix = f"ns{uuid.uuid4().hex[:6]}-"
    user = namespaced_kustomization(tmp_path / "user", bundle, plugin, target)
    kustomization = yaml.safe_load((user / "kustomization.yaml").read_text())
    kustomization["namePrefix"] = prefix
    (user / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    docs = render(user)
    account = one(docs, "ServiceAccount")["metadata"]["name"]
    assert account.startswith(prefix) and all(b["roleRef"]["name"].startswith(prefix) for b in docs if b["kind"] == "RoleBinding")
    for namespace in {NAMESPACE, "default"} | set(agent_namespaces(docs)):
        ensure_namespace(control_plane, namespace)
    kubectl(control_plane.kubeconfig, "apply", "--server-side", "--field-manager=deploy-test", "-f", "-", stdin=yaml.safe_dump_all(docs))
    api_group = group(target["api_version"])
    try:
        for plural in plurals(plugin, target["id"]):
            for verb in VERBS:
                for namespace in agent_namespaces(docs):
                    assert sar(control_plane, account, api_group, plural, verb, namespace), (verb, plural, namespace)
                # Neither another namespace nor the cluster scope.
                assert not sar(control_plane, account, api_group, plural, verb, "default"), (verb, plural)
                assert not sar(control_plane, account, api_group, plural, verb, ""), (verb, plural)
    finally:
        kubectl(control_plane.kubeconfig, "delete", "--ignore-not-found", "-f", "-", stdin=yaml.safe_dump_all(docs))


def test_the_dry_run_refuses_an_invalid_object(control_plane):
    """The dry run judges: an object the API server rejects makes it fail."""
    [bundle, plugin, target] = cases()[0].values
    docs = render(bundle_dir(bundle, plugin) / "overlays" / target["id"])
    policy = one(docs, "NetworkPolicy")
    policy["spec"]["ingress"][0]["ports"][0]["port"] = 70000
    with pytest.raises(RuntimeError, match="70000"):
        dry_run(control_plane, [policy])


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_the_tls_render_passes_a_server_side_dry_run(control_plane, bundle, plugin, target, tmp_path):
    base = bundle_dir(bundle, plugin)
    folder = tmp_path / "user"
    folder.mkdir()
    kustomization = {"resources": [os.path.relpath(base / "overlays" / target["id"], folder)], "components": [os.path.relpath(base / "tls", folder)]}
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    out = dry_run(control_plane, render(folder))
    assert "deployment.apps/" in out and "service/" in out, out
