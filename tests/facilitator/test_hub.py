"""`icp cohort hub`: the JupyterHub it writes loads in the real JupyterHub and says what it must.

The written ``jupyterhub_config.py`` is loaded the way JupyterHub loads it (traitlets'
PyFileConfigLoader) and handed to JupyterHub's own classes, whose settings are then read.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, icp

pytest.importorskip("jupyterhub", reason="pip install '.[facilitator]' (JupyterHub)")

#: A Python every account can run, as a trust server's course install is (/opt/icp/bin/python).
SHARED_PYTHON = Path("/usr/bin/python3")
#: The fixture roster's ids (tests/fixtures/facilitator/roster.csv).
TRAINEES = ["t01", "t02", "t03", "t04"]


@pytest.fixture
def hub_cohort(cohort, tmp_path):
    """Cohort 10 with an exchange and the fixture roster, owned by a non-root account."""
    from icp_helpers.facilitator.cohort_folder import create_cohort
    from icp_helpers.facilitator.roster import import_roster

    folder, _ = create_cohort(ROOT, "10", where=cohort.root.parent, exchange=tmp_path / "exchange")
    import_roster(folder, FIXTURES / "roster.csv")
    if os.geteuid() == 0:  # the formgrader runs as the cohort folder's owner, never root
        os.chown(folder.root, pwd.getpwnam("nobody").pw_uid, -1)
    return folder


def _load(out: Path, name: str = "jupyterhub_config.py"):
    """A config file loaded as JupyterHub and nbgrader load theirs."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(name, path=str(out)).load_config()


def _icp_hub(cohort, out: Path, *, python: Path = SHARED_PYTHON, staff=("--facilitator", "coach")):
    """Run ``icp cohort hub 10 --out OUT`` as a facilitator would."""
    return icp(cohort, "cohort", "hub", "10", "--out", str(out), *staff, "--python", str(python))


def test_the_written_hub_loads_in_jupyterhub_with_the_cohort_s_settings(hub_cohort, tmp_path):
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import PAMAuthenticator
    from jupyterhub.spawner import LocalProcessSpawner

    from icp_helpers.facilitator.hub import HubPorts, write_hub

    out = tmp_path / "hub"
    hub = write_hub(
        hub_cohort,
        out,
        facilitators=["Coach-A", "coach-b"],
        ports=HubPorts(public=8123),
        python=SHARED_PYTHON,
    )
    config = _load(out)
    app = JupyterHub(config=config)
    assert app.bind_url.rstrip("/") == "http://127.0.0.1:8123"
    assert app.authenticator_class is PAMAuthenticator
    assert app.spawner_class is LocalProcessSpawner
    assert app.db_url.endswith(f"{out}/state/jupyterhub.sqlite")
    auth = PAMAuthenticator(config=config)
    assert auth.allowed_users == {*TRAINEES, "coach-a", "coach-b"}
    assert auth.admin_users == {"coach-a", "coach-b"}
    spawner = LocalProcessSpawner(config=config)
    assert spawner.environment["JUPYTER_CONFIG_PATH"] == str(out / "jupyter" / "learner")
    assert spawner.cmd == [str(SHARED_PYTHON), "-m", "jupyterhub.singleuser"]

    assert app.load_groups == {
        "formgrade-icp-cohort-10": {"users": ["coach-a", "coach-b"]},
        "nbgrader-icp-cohort-10": {"users": TRAINEES},
    }
    services = {service["name"]: service for service in app.services}
    formgrader = services["icp-cohort-10"]
    assert formgrader["user"] == hub.grader != "root"
    assert formgrader["cwd"] == str(hub_cohort.root)
    assert formgrader["environment"]["JUPYTER_CONFIG_PATH"] == str(out / "jupyter" / "formgrader")
    assert "jupyterhub_idle_culler" in services["idle-culler"]["command"]
    assert "--timeout=3600" in services["idle-culler"]["command"]
    roles = {role["name"]: role for role in app.load_roles}
    assert roles["formgrader-icp-cohort-10"]["scopes"] == ["access:services!service=icp-cohort-10"]
    assert roles["formgrader-icp-cohort-10"]["groups"] == ["formgrade-icp-cohort-10"]
    assert "delete:servers" in roles["idle-culler"]["scopes"]

    # trainees: the Assignments tab and Validate; the formgrader and Create Assignment off
    learner = out / "jupyter" / "learner"
    server = json.loads((learner / "jupyter_server_config.json").read_text())
    enabled = server["ServerApp"]["jpserver_extensions"]
    assert enabled["nbgrader.server_extensions.assignment_list"] is True
    assert enabled["nbgrader.server_extensions.formgrader"] is False
    lab = json.loads((learner / "labconfig" / "page_config.json").read_text())
    assert set(lab["disabledExtensions"]) == {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list",
        "@jupyterlab/apputils-extension:announcements",
    }
    # their nbgrader knows the course and exchange, and nothing of the gradebook
    nbgrader_config = _load(learner, "nbgrader_config.py")
    assert nbgrader_config.CourseDirectory.course_id == "icp-cohort-10"
    assert nbgrader_config.Exchange.root == str(tmp_path / "exchange")
    assert "db_url" not in (learner / "nbgrader_config.py").read_text()
    # the facilitators' formgrader: formgrader on, Assignments tab off
    graders = json.loads(
        (out / "jupyter" / "formgrader" / "jupyter_server_config.json").read_text()
    )
    assert (
        graders["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is True
    )
    assert (
        graders["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.assignment_list"]
        is False
    )

    # everyone's server can read its profile; the hub's state is the hub's alone
    assert stat.S_IMODE((learner / "nbgrader_config.py").stat().st_mode) == 0o644
    assert stat.S_IMODE((out / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "create-accounts.sh").stat().st_mode) == 0o700
    unit = hub.unit.read_text()
    assert f"ExecStart={SHARED_PYTHON} -m jupyterhub -f {out}/jupyterhub_config.py" in unit


def test_native_authentication_lets_facilitators_authorise_sign_ups(hub_cohort, tmp_path):
    from jupyterhub.app import JupyterHub
    from nativeauthenticator import NativeAuthenticator

    from icp_helpers.facilitator.hub import write_hub

    write_hub(
        hub_cohort, tmp_path / "hub", facilitators=["coach"], auth="native", python=SHARED_PYTHON
    )
    config = _load(tmp_path / "hub")
    assert JupyterHub(config=config).authenticator_class is NativeAuthenticator
    # (NativeAuthenticator itself needs the hub's database to be made)
    assert config.NativeAuthenticator.open_signup is False
    assert config.Authenticator.admin_users == {"coach"}
    assert "/hub/authorize" in (tmp_path / "hub" / "README.md").read_text()


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("asha.patel", "roster id 'asha.patel' cannot be a Unix account name on the hub"),
        ("1234", "(e.g. 't1234')"),
        ("t_07", "use only letters, digits and '-', starting with a letter"),
        ("root", "is the name of a system account on this machine"),
    ],
)
def test_a_roster_id_that_cannot_be_an_account_is_refused_in_one_line(
    hub_cohort, tmp_path, bad_id, message
):
    roster = tmp_path / "more.csv"
    roster.write_text(
        "id,first_name,last_name,email,directorate\n"
        f"{bad_id},Cai,Jones,cai.jones@example.org,Estates\n",
        encoding="utf-8",
    )
    assert icp(hub_cohort, "roster", "import", "10", str(roster)).returncode == 0
    done = _icp_hub(hub_cohort, tmp_path / "hub")
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "hub").exists()  # nothing half-written


def test_the_gradebook_password_is_never_printed_nor_written(hub_cohort, tmp_path):
    settings_file = hub_cohort.root / "cohort.json"
    settings = json.loads(settings_file.read_text())
    settings["db_url"] = "postgresql://coach:s3cret-pw@db.trust.example:5432/icp_cohort_10"
    settings_file.write_text(json.dumps(settings))
    done = _icp_hub(hub_cohort, tmp_path / "hub")
    assert done.returncode == 0, done.stderr
    assert "postgresql://coach:***@db.trust.example:5432/icp_cohort_10" in done.stdout
    assert "s3cret-pw" not in done.stdout + done.stderr
    for path in (tmp_path / "hub").rglob("*"):
        if path.is_file():
            assert "s3cret-pw" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no-exchange", "has no nbgrader exchange"),
        ("no-facilitator", "name at least one facilitator"),
        ("trainee-facilitator", "t01 is both a trainee and a facilitator"),
    ],
)
def test_a_hub_that_could_not_work_is_refused(hub_cohort, tmp_path, change, message):
    if change == "no-exchange":
        settings_file = hub_cohort.root / "cohort.json"
        settings = json.loads(settings_file.read_text())
        settings["exchange"] = None
        settings_file.write_text(json.dumps(settings))
    staff = {"no-facilitator": (), "trainee-facilitator": ("--facilitator", "T01")}.get(
        change, ("--facilitator", "coach")
    )
    done = _icp_hub(hub_cohort, tmp_path / "hub", staff=staff)
    assert done.returncode == 2 and message in done.stderr, done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can own a cohort folder as root")
def test_a_cohort_folder_owned_by_root_is_refused(hub_cohort, tmp_path):
    os.chown(hub_cohort.root, 0, -1)
    done = _icp_hub(hub_cohort, tmp_path / "hub")
    assert done.returncode == 2
    assert "must not run as root" in done.stderr and "chown -R icp-grader" in done.stderr


def test_the_accounts_script_refuses_to_run_without_root(hub_cohort, tmp_path):
    from icp_helpers.facilitator.hub import write_hub

    write_hub(hub_cohort, tmp_path / "hub", facilitators=["coach"], python=SHARED_PYTHON)
    script = tmp_path / "hub" / "create-accounts.sh"
    command = ["sh", str(script)]
    if os.geteuid() == 0:  # as an account that is not root, from where it can read it
        copy = Path(tempfile.mkdtemp(prefix="icp-hub-")) / script.name
        copy.parent.chmod(0o755)
        copy.write_text(script.read_text())
        copy.chmod(0o755)
        command = ["runuser", "-u", "nobody", "--", "sh", str(copy)]
    try:
        done = subprocess.run(command, capture_output=True, text=True)
    finally:
        if command[0] == "runuser":
            shutil.rmtree(command[-1].rsplit("/", 1)[0])
    assert done.returncode == 2
    assert "run it as root" in done.stderr


def test_a_python_other_accounts_cannot_reach_is_refused(hub_cohort, tmp_path):
    private = tmp_path / "private"
    (private / "bin").mkdir(parents=True)
    python = private / "bin" / "python"
    python.write_text("")
    python.chmod(0o755)
    private.chmod(0o700)  # like a home folder, or /root
    done = _icp_hub(hub_cohort, tmp_path / "hub", python=python)
    assert done.returncode == 2
    assert f"is in {private}, which other accounts cannot enter" in done.stderr
    assert "--python /opt/icp/bin/python" in done.stderr
    assert not (tmp_path / "hub").exists()


@pytest.mark.slow  # real nbgrader submit and collect
def test_a_submission_from_a_trainee_s_server_is_collected(hub_cohort, tmp_path, notebook_text):
    """A trainee's server submits with the nbgrader config the hub gives it; `icp collect`
    (nbgrader collect) must read the submission's name back: nbgrader names it
    ``user+assignment+time+random`` and splits the name on ``+``."""
    import datetime as dt
    import sys

    from nbgrader.utils import parse_utc

    from icp_helpers.facilitator.hub import write_hub
    from icp_helpers.facilitator.release import release

    from .conftest import ASSIGNMENT, NOTEBOOK

    out = tmp_path / "hub"
    write_hub(hub_cohort, out, facilitators=["coach"], python=SHARED_PYTHON)
    release(hub_cohort, ASSIGNMENT)
    work = tmp_path / "trainee-home"
    (work / ASSIGNMENT).mkdir(parents=True)
    (work / ASSIGNMENT / NOTEBOOK).write_text(notebook_text(), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(out / "jupyter" / "learner"),  # as the hub's spawner sets
        "JUPYTER_CONFIG_DIR": str(tmp_path / "trainee-config"),
    }
    submitted = subprocess.run(
        [sys.executable, "-m", "nbgrader", "submit", ASSIGNMENT],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    inbound = tmp_path / "exchange" / "icp-cohort-10" / "inbound"
    (mine,) = list(inbound.iterdir())
    mine.rename(inbound / f"t01+{mine.name.split('+', 1)[1]}")  # as if t01's account sent it

    collected = icp(hub_cohort, "collect", "10", ASSIGNMENT)
    assert f"Collected {ASSIGNMENT} for 1 trainee(s): t01" in collected.stdout, (
        collected.stdout + collected.stderr
    )
    stamp = (hub_cohort.root / "submitted" / "t01" / ASSIGNMENT / "timestamp.txt").read_text()
    when = parse_utc(stamp.strip()).replace(tzinfo=dt.UTC)
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=10)  # the right moment
