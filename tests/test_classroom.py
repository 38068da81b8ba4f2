"""classroom/z2jh/: the Kubernetes setup for classes of hundreds, checked as far as we can here.

No cluster and no Docker engine on this machine, so the setup is never deployed. What is
checked instead:

- ``values.yaml`` merged over the chart's own defaults as Helm merges them, validated
  against the chart's published values schema (both vendored from the chart's 4.4.0
  release in classroom/z2jh/chart/, see SOURCE.md); and a misspelt key fails it;
- the vendored files are the ones SOURCE.md names (sha256);
- the exchange that values.yaml mounts is the one classroom/nbgrader_config.py names,
  and exchange.yaml makes that volume;
- the Dockerfile installs classroom/requirements-hub.txt and lossbook on the Python that
  tests/test_hub.py runs the course on (so that test's install proves the requirements
  resolve and work), turns the formgrader off with the very commands the hub test runs,
  and makes the user that values.yaml runs pods as.
"""
from __future__ import annotations

import copy
import hashlib
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

from hub_course import CLASSROOM, DISABLE_FOR_EVERYONE, SYSTEM_PYTHON

Z2JH = CLASSROOM / "z2jh"
CHART = Z2JH / "chart"


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def helm_merge(defaults: dict, values: dict) -> dict:
    """The chart's defaults with ``values`` over them, as Helm merges: maps merge key by
    key, anything else (lists too) replaces, and a null deletes the default's key."""
    merged = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def test_helm_merge_merges_maps_replaces_lists_and_deletes_on_null():
    defaults = {"a": {"b": 1, "c": [1, 2]}, "d": 1, "e": {"f": 1}}
    assert helm_merge(defaults, {"a": {"c": [3]}, "d": None, "e": {"g": 2}}) == \
        {"a": {"b": 1, "c": [3]}, "e": {"f": 1, "g": 2}}
    assert defaults["a"]["c"] == [1, 2]  # the defaults are not modified


@pytest.fixture(scope="module")
def values() -> dict:
    return _yaml(Z2JH / "values.yaml")


@pytest.fixture(scope="module")
def schema() -> dict:
    return _yaml(CHART / "values.schema.yaml")


def test_the_values_pass_the_charts_schema(values, schema):
    jsonschema.validate(helm_merge(_yaml(CHART / "values.yaml"), values), schema)


@pytest.mark.parametrize("mistake", [
    {"singleuser": {"storage": {"extraVolumeMount": []}}},  # misspelt key
    {"singleuser": {"image": {"pullPolicy": "Sometimes"}}},  # not one of the chart's
    {"singleuser": {"uid": "jovyan"}},  # a name where a number is due
])
def test_a_mistake_in_the_values_fails_the_schema(values, schema, mistake):
    wrong = helm_merge(values, mistake)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(helm_merge(_yaml(CHART / "values.yaml"), wrong), schema)


def test_the_vendored_chart_files_are_the_ones_source_md_names():
    table = re.findall(r"^\| `([^`]+)` \| `[^`]+` \| `([0-9a-f]{64})` \|$",
                       (CHART / "SOURCE.md").read_text(encoding="utf-8"), re.M)
    assert {name for name, _ in table} == {"values.schema.yaml", "values.yaml", "LICENSE"}
    for name, sha256 in table:
        assert hashlib.sha256((CHART / name).read_bytes()).hexdigest() == sha256, name


def test_every_pod_mounts_the_exchange_nbgrader_is_told_about(values):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(CLASSROOM)).load_config()
    storage = values["singleuser"]["storage"]
    [mount] = storage["extraVolumeMounts"]
    [volume] = storage["extraVolumes"]
    assert mount["mountPath"] == config.Exchange.root
    assert mount["name"] == volume["name"]
    claim = volume["persistentVolumeClaim"]["claimName"]
    claim_doc, job = yaml.safe_load_all((Z2JH / "exchange.yaml").read_text(encoding="utf-8"))
    assert claim_doc["kind"] == "PersistentVolumeClaim" and claim_doc["metadata"]["name"] == claim
    assert claim_doc["spec"]["accessModes"] == ["ReadWriteMany"]
    pod = job["spec"]["template"]["spec"]
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim
    [container] = pod["containers"]
    assert container["command"] == ["chmod", "1777", config.Exchange.root]
    assert container["volumeMounts"][0]["mountPath"] == config.Exchange.root


def _dockerfile() -> str:
    """The Dockerfile with continued lines joined and runs of spaces made one."""
    text = (Z2JH / "Dockerfile").read_text(encoding="utf-8")
    return re.sub(r"[ \t]+", " ", text.replace("\\\n", " "))


def test_the_image_installs_what_the_hub_test_installs_and_runs(values):
    dockerfile = _dockerfile()
    version = "import sys; print(*sys.version_info[:2], sep='.')"
    python = subprocess.run([str(SYSTEM_PYTHON), "-c", version], capture_output=True,
                            text=True, check=True).stdout.strip()
    base = re.search(r"^FROM python:(\d+\.\d+)-slim-(\w+)$", dockerfile, re.M)
    assert base, "the image starts FROM python:X.Y-slim-CODENAME"
    assert base.group(1) == python, (
        f"the image runs Python {base.group(1)}, tests/test_hub.py installs the course on "
        f"{SYSTEM_PYTHON} ({python}): make them the same, so that test covers the image")
    assert "-r /tmp/lossbook/classroom/requirements-hub.txt /tmp/lossbook" in dockerfile
    for copied in ("classroom/requirements-hub.txt", "pyproject.toml README.md", "src"):
        assert re.search(rf"^COPY {re.escape(copied)} /tmp/lossbook", dockerfile, re.M), copied
    config = "/usr/local/etc/jupyter/nbgrader_config.py"  # the image's sys.prefix is /usr/local
    assert f"COPY classroom/nbgrader_config.py {config}" in dockerfile
    for command in DISABLE_FOR_EVERYONE:  # the same switches as the hub test's venv
        assert " ".join(command) in dockerfile, " ".join(command)
    user = re.search(r"useradd --create-home --uid (\d+) --gid (\d+) .* jovyan", dockerfile)
    assert user and (int(user.group(1)), int(user.group(2))) == \
        (values["singleuser"]["uid"], values["singleuser"]["fsGid"])
    script = "/usr/local/share/lossbook/teacher-setup.sh"
    assert f"COPY classroom/teacher-setup.sh {script}" in dockerfile
