"""`icp cohort kubernetes`: Zero to JupyterHub's values for a cohort, rendered and validated.

Nothing here runs on a cluster. The values are checked against the chart's constraints
written as a JSON schema in tests/fixtures/kubernetes (each constraint names the z2jh page it
comes from, as the chart's own schema is not available offline), the hub's extra Python is
compiled, the nbgrader profiles are the one-server hub's, and the image's Dockerfile copies
only files that exist and no notebooks.
"""

from __future__ import annotations

import json
import re
import shlex

import jsonschema
import pytest
import yaml

from .conftest import FIXTURES, ROOT, icp

SCHEMA = ROOT / "tests" / "fixtures" / "kubernetes" / "z2jh-values.schema.yaml"
DOCKERFILE = ROOT / "kubernetes" / "Dockerfile"
TRAINEES = ["t01", "t02", "t03", "t04"]  # tests/fixtures/facilitator/roster.csv


@pytest.fixture
def k8s_cohort(cohort, tmp_path):
    """Cohort 10 with an exchange and the fixture roster."""
    from icp_helpers.facilitator.cohort_folder import create_cohort
    from icp_helpers.facilitator.roster import import_roster

    folder, _ = create_cohort(ROOT, "10", where=cohort.root.parent, exchange=tmp_path / "exchange")
    import_roster(folder, FIXTURES / "roster.csv")
    return folder


def _render(k8s_cohort, out, *extra):
    done = icp(
        k8s_cohort,
        "cohort",
        "kubernetes",
        "10",
        "--out",
        str(out),
        "--facilitator",
        "Coach-A",
        "--facilitator",
        "coach-b",
        "--image",
        "registry.example.nhs.uk/icp-course:2026.12",
        *extra,
    )
    assert done.returncode == 0, done.stderr
    return yaml.safe_load((out / "config.yaml").read_text()), done


def test_the_values_meet_the_chart_s_constraints_and_say_what_the_cohort_needs(
    k8s_cohort, tmp_path
):
    values, done = _render(k8s_cohort, tmp_path / "k8s")
    schema = yaml.safe_load(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(values, schema)
    assert "Not run here" in done.stdout

    hub = values["hub"]["config"]
    assert hub["Authenticator"]["allowed_users"] == [*TRAINEES, "coach-a", "coach-b"]
    assert hub["Authenticator"]["admin_users"] == ["coach-a", "coach-b"]
    assert hub["JupyterHub"]["authenticator_class"] == "nativeauthenticator.NativeAuthenticator"
    assert hub["NativeAuthenticator"]["open_signup"] is False
    single = values["singleuser"]
    assert single["image"] == {"name": "registry.example.nhs.uk/icp-course", "tag": "2026.12"}
    # everyone: their own home (a claim each) and the shared exchange at nbgrader's root
    storage = single["storage"]
    assert storage["type"] == "dynamic"
    [exchange] = storage["extraVolumeMounts"]
    assert exchange["mountPath"] == "/srv/nbgrader/exchange"
    [volume] = storage["extraVolumes"]
    assert volume["persistentVolumeClaim"]["claimName"] == "icp-exchange"
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600


def test_trainees_get_the_learner_profile_and_only_facilitators_the_formgrader(
    k8s_cohort, tmp_path
):
    from icp_helpers.facilitator.hub_files import learner_profile

    values, _ = _render(k8s_cohort, tmp_path / "k8s")
    single = values["singleuser"]
    files = {f["mountPath"]: f["stringData"] for f in single["extraFiles"].values()}
    learner = single["extraEnv"]["JUPYTER_CONFIG_PATH"]
    server = json.loads(files[f"{learner}/jupyter_server_config.json"])
    switched = server["ServerApp"]["jpserver_extensions"]
    assert switched["nbgrader.server_extensions.assignment_list"] is True
    assert switched["nbgrader.server_extensions.formgrader"] is False
    nbgrader = files[f"{learner}/nbgrader_config.py"]
    assert nbgrader == learner_profile(k8s_cohort, "/srv/nbgrader/exchange")["nbgrader_config.py"]
    assert "c.Exchange.root = '/srv/nbgrader/exchange'" in nbgrader

    custom = values["custom"]["icp"]
    assert custom["facilitators"] == ["coach-a", "coach-b"]
    staff = custom["environment"]["JUPYTER_CONFIG_PATH"]
    formgrader = json.loads(files[f"{staff}/jupyter_server_config.json"])
    assert (
        formgrader["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"]
        is True
    )
    assert "/srv/icp/cohorts/10" in files[f"{staff}/nbgrader_config.py"]
    for text in files.values():  # every profile file is valid Python or JSON
        if text.lstrip().startswith("{"):
            json.loads(text)
        else:
            compile(text, "profile", "exec")

    # the hook that gives facilitators (only) their profile, Secret and volume
    [hook] = values["hub"]["extraConfig"].values()
    compile(hook, "extraConfig", "exec")
    assert 'get_config("custom.icp")' in hook
    for key in ("facilitators", "environment", "volumes", "volume_mounts"):
        assert f'icp["{key}"]' in hook
    namespace = {"c": _Config()}
    exec(
        hook.replace("from z2jh import get_config", ""),
        {**namespace, "get_config": lambda k: custom},
    )
    hooked = namespace["c"].KubeSpawner.pre_spawn_hook
    trainee, coach = _Spawner("t01"), _Spawner("coach-a")
    hooked(trainee)
    hooked(coach)
    assert trainee.environment == {"JUPYTER_CONFIG_PATH": learner}
    assert coach.environment["JUPYTER_CONFIG_PATH"] == staff
    assert coach.volumes[-1]["persistentVolumeClaim"]["claimName"] == "icp-staff"
    assert trainee.volumes == [] and trainee.volume_mounts == []


class _Config:
    class KubeSpawner:
        pre_spawn_hook = None


class _Spawner:
    """What the hook reads and sets on KubeSpawner: the user's name, env, volumes."""

    def __init__(self, name: str):
        self.user = type("User", (), {"name": name})()
        self.environment = {"JUPYTER_CONFIG_PATH": "/etc/icp/jupyter/learner"}
        self.volumes: list = []
        self.volume_mounts: list = []


def test_the_gradebook_comes_from_a_secret_and_no_password_is_written(k8s_cohort, tmp_path):
    settings_file = k8s_cohort.root / "cohort.json"
    settings = json.loads(settings_file.read_text())
    settings["db_url"] = "postgresql+psycopg2://coach:Hunter2-secret@db.trust.nhs.uk/icp_cohort_10"
    settings_file.write_text(json.dumps(settings))
    out = tmp_path / "k8s"
    values, _ = _render(k8s_cohort, out, "--gradebook-secret", "cohort-10-gradebook")
    for written in out.iterdir():
        text = written.read_text()
        assert "Hunter2" not in text and "db.trust.nhs.uk" not in text, written.name
    secret = values["custom"]["icp"]["environment"]["ICP_DB_URL"]["valueFrom"]["secretKeyRef"]
    assert secret == {"name": "cohort-10-gradebook", "key": "url"}


def test_the_shared_volumes_are_read_write_many_claims_and_the_exchange_is_opened(
    k8s_cohort, tmp_path
):
    out = tmp_path / "k8s"
    _render(k8s_cohort, out, "--storage-class", "azurefile")
    documents = list(yaml.safe_load_all((out / "storage.yaml").read_text()))
    claims = {d["metadata"]["name"]: d for d in documents if d["kind"] == "PersistentVolumeClaim"}
    assert set(claims) == {"icp-exchange", "icp-staff"}
    for claim in claims.values():
        assert claim["apiVersion"] == "v1"
        assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
        assert claim["spec"]["storageClassName"] == "azurefile"
    [job] = [d for d in documents if d["kind"] == "Job"]
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["chmod", "1777", "/exchange"]
    [volume] = job["spec"]["template"]["spec"]["volumes"]
    assert volume["persistentVolumeClaim"]["claimName"] == "icp-exchange"


def test_a_cohort_without_a_roster_or_a_facilitator_is_refused_with_nothing_written(
    cohort, tmp_path
):
    folder = cohort  # no roster imported
    out = tmp_path / "k8s"
    done = icp(folder, "cohort", "kubernetes", "10", "--out", str(out), "--facilitator", "coach")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "icp roster import 10" in done.stderr
    none = icp(folder, "cohort", "kubernetes", "10", "--out", str(out))
    assert none.returncode == 2 and "--facilitator" in none.stderr
    assert not out.exists()


def test_the_dockerfile_copies_only_files_that_exist_and_no_notebooks():
    copies = []
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("COPY "):
            *sources, _ = shlex.split(line)[1:]
            copies += sources
    assert copies, "the Dockerfile copies nothing from the repository"
    for source in copies:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
        assert not re.match(r"(source|release|course|tests)\b", source), source
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.1[1-9]", text, re.M)  # pyproject: Python 3.11 or newer
    assert 'pip install "/tmp/icp[facilitator]"' in text  # nbgrader, JupyterHub's server
    assert re.search(r"^USER 1000$", text, re.M)  # never root; z2jh's default uid
    assert 'CMD ["jupyterhub-singleuser"]' in text


@pytest.mark.parametrize(
    "spoil",
    [
        lambda v: v["singleuser"].update(storge=v["singleuser"].pop("storage")),  # a typo
        lambda v: v["cull"].update(timeout="1h"),  # the culler takes seconds
        lambda v: v["singleuser"]["extraFiles"]["icp-learner-nbgrader-config"].pop("mountPath"),
        lambda v: v.update(auth={"type": "native"}),  # the chart's 0.x way, refused since 1.0
    ],
)
def test_the_schema_refuses_values_the_chart_would_refuse(k8s_cohort, tmp_path, spoil):
    values, _ = _render(k8s_cohort, tmp_path / "k8s")
    spoil(values)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(values, yaml.safe_load(SCHEMA.read_text()))
