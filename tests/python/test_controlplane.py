"""The real control plane itself (scripts/peers/controlplane.py): what the other real-server tests
rely on. RBAC is enforced (a ServiceAccount's token gets only what a binding grants), TokenRequest
works, bound tokens are revoked with their object, and the API server can be killed and restarted
on the same port and store."""

import time
import uuid

from controlplane import ControlPlane


def test_the_admin_sees_the_api_and_a_service_account_gets_only_what_rbac_grants(control_plane: ControlPlane):
    code, version = control_plane.request("GET", "/version")
    assert code == 200 and version["major"] is not None, version
    ns = f"cp-{uuid.uuid4().hex[:6]}"
    assert control_plane.request("POST", "/api/v1/namespaces", {"metadata": {"name": ns}})[0] == 201
    assert control_plane.request("POST", f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": "reader"}})[0] == 201
    token = control_plane.create_token(ns, "reader")
    # Authenticated (not 401) but not authorized: RBAC, not AlwaysAllow.
    code, body = control_plane.request("GET", f"/api/v1/namespaces/{ns}/configmaps", token=token)
    assert code == 403 and f"system:serviceaccount:{ns}:reader" in body["message"], body
    role = {"metadata": {"name": "read-configmaps"},
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]}]}
    assert control_plane.request("POST", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", role)[0] == 201
    binding = {"metadata": {"name": "read-configmaps"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "read-configmaps"},
               "subjects": [{"kind": "ServiceAccount", "name": "reader", "namespace": ns}]}
    assert control_plane.request("POST", f"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", binding)[0] == 201
    deadline = time.monotonic() + 10
    while (code := control_plane.request("GET", f"/api/v1/namespaces/{ns}/configmaps", token=token)[0]) != 200:
        assert time.monotonic() < deadline, f"the binding never took effect: {code}"
        time.sleep(0.1)
    # The verb not granted stays forbidden.
    code, _ = control_plane.request("POST", f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "x"}}, token=token)
    assert code == 403


def test_a_bound_token_dies_with_its_secret(control_plane: ControlPlane):
    ns = "default"
    name = f"bound-{uuid.uuid4().hex[:6]}"
    control_plane.request("POST", f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": name}})
    control_plane.request("POST", f"/api/v1/namespaces/{ns}/secrets", {"metadata": {"name": name}})
    token = control_plane.create_token(ns, name, bound_secret=name)
    assert control_plane.request("GET", "/api", token=token)[0] == 200
    control_plane.request("DELETE", f"/api/v1/namespaces/{ns}/secrets/{name}")
    # The API server caches a token's authentication for 10 s.
    deadline = time.monotonic() + 30
    while (code := control_plane.request("GET", "/api", token=token)[0]) != 401:
        assert time.monotonic() < deadline, f"the token still works: {code}"
        time.sleep(0.25)


def test_the_api_server_restarts_on_the_same_store(control_plane: ControlPlane):
    name = f"survives-{uuid.uuid4().hex[:6]}"
    body = {"metadata": {"name": name}, "data": {"k": "v"}}
    assert control_plane.request("POST", "/api/v1/namespaces/default/configmaps", body)[0] == 201
    control_plane.kill_apiserver()
    try:
        control_plane.request("GET", "/readyz", timeout=2)
        raise AssertionError("the API server still answers after SIGKILL")
    except OSError:
        pass
    control_plane.start_apiserver()
    code, found = control_plane.request("GET", f"/api/v1/namespaces/default/configmaps/{name}")
    assert (code, found["data"]) == (200, {"k": "v"})
