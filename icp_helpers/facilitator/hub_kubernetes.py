"""A cohort past one server, on Kubernetes: ``icp cohort kubernetes 10 --out DIR``.

Zero to JupyterHub's Helm values for the cohort.

It writes, into the folder given::

    config.yaml    the values for Zero to JupyterHub's Helm chart (``helm upgrade --install
                   icp jupyterhub/jupyterhub --values config.yaml``): the course's image,
                   each person's own storage, the shared exchange, the facilitators as admins
                   with the formgrader, the gradebook's address from a Kubernetes Secret,
                   idle culling and NativeAuthenticator
    storage.yaml   the two shared volumes (ReadWriteMany claims) it mounts: nbgrader's exchange
                   (everyone) and the facilitators' own (the course and cohort folders), and a
                   one-off Job that opens the exchange to every server (mode 1777)

The image is built from the repository's ``kubernetes/Dockerfile`` (the course's Python
packages and ``icp_helpers``, no notebooks and no solutions). Trainees' servers load the same
nbgrader profiles as on one server (:mod:`icp_helpers.facilitator.hub_files`): the
Assignments tab and Validate, no formgrader. Facilitators' servers (a hook in the hub's
``extraConfig``, reading the chart's ``custom`` values) load the formgrader's profile, get
``ICP_DB_URL`` from the Secret and mount the facilitators' volume. Nothing written holds a
password. This is rendered and validated by the tests, never run on a cluster here.

>>> KubernetesPlan(image="ghcr.io/trust/icp-course:0.9").image_name_and_tag()
('ghcr.io/trust/icp-course', '0.9')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.hub_accounts import hub_people
from icp_helpers.facilitator.hub_files import formgrader_profile, learner_profile
from icp_helpers.files import atomic_write

EXCHANGE_ROOT = "/srv/nbgrader/exchange"  # nbgrader's exchange, in every server
STAFF_ROOT = "/srv/icp"  # the facilitators' volume: the course clone and the cohort folders
PROFILES = "/etc/icp/jupyter"  # the nbgrader profiles, from the chart's extraFiles
GRADEBOOK_KEY = "url"  # the key in the Secret that holds the gradebook's address


@dataclass(frozen=True)
class KubernetesPlan:
    """The choices a trust makes for its cluster (names of images, Secrets and volumes)."""

    image: str = "icp-course:latest"
    gradebook_secret: str = "icp-gradebook"
    exchange_claim: str = "icp-exchange"
    staff_claim: str = "icp-staff"
    storage_class: str | None = None  # the cluster's ReadWriteMany class (e.g. azurefile)
    home_size: str = "2Gi"
    idle_minutes: int = 60

    def image_name_and_tag(self) -> tuple[str, str]:
        """The image split as the chart wants it: name, tag (``latest`` when none)."""
        name, _, tag = self.image.rpartition(":")
        if not name or "/" in tag:
            return self.image, "latest"
        return name, tag


def write_kubernetes(
    folder: CohortFolder, out: Path, *, facilitators: list[str], plan: KubernetesPlan
) -> tuple[Path, Path]:
    """Write ``config.yaml`` and ``storage.yaml`` for the cohort into ``out``; return both.

    Refuses, writing nothing, when the cohort has no roster or no facilitator is named.

    >>> write_kubernetes(None, Path("k8s"), facilitators=[], plan=KubernetesPlan())
    Traceback (most recent call last):
    ...
    icp_helpers.facilitator.hub_accounts.HubAccountError: name at least one facilitator ...
    """
    trainees, staff = hub_people(folder, facilitators)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    values, storage = out / "config.yaml", out / "storage.yaml"
    header = (
        f"# {folder.course_id} on Kubernetes, written by `icp cohort kubernetes`: see the\n"
        "# facilitator guide, chapter 7, 'Past one server'. No password is in this file.\n"
    )
    atomic_write(values, header + _dump(helm_values(folder, trainees, staff, plan)))
    atomic_write(storage, header + "---\n".join(_dump(d) for d in storage_manifests(plan)))
    return values, storage


def helm_values(
    folder: CohortFolder, trainees: Sequence[str], facilitators: Sequence[str], plan: KubernetesPlan
) -> dict:
    """Zero to JupyterHub's values for the cohort (keys as the chart's configuration reference)."""
    name, tag = plan.image_name_and_tag()
    learner = learner_profile(folder, EXCHANGE_ROOT)
    formgrader = formgrader_profile()
    formgrader["nbgrader_config.py"] = _FORMGRADER_NBGRADER.format(
        cohort=f"{STAFF_ROOT}/cohorts/{folder.cohort}"
    )
    files = {}
    for profile, texts in (("learner", learner), ("formgrader", formgrader)):
        for file_name, text in texts.items():
            key = f"icp-{profile}-{Path(file_name).stem.replace('_', '-')}"
            files[key] = {"mountPath": f"{PROFILES}/{profile}/{file_name}", "stringData": text}
    return {
        "hub": {
            "config": {
                "JupyterHub": {
                    "authenticator_class": "nativeauthenticator.NativeAuthenticator",
                },
                "Authenticator": {
                    "allowed_users": [*trainees, *facilitators],
                    "admin_users": facilitators,
                },
                "NativeAuthenticator": {"open_signup": False},
            },
            "extraConfig": {"icp-facilitators.py": _FACILITATOR_HOOK},
        },
        "singleuser": {
            "image": {"name": name, "tag": tag},
            "defaultUrl": "/lab",
            "extraEnv": {"JUPYTER_CONFIG_PATH": f"{PROFILES}/learner"},
            "extraFiles": files,
            "storage": {
                "type": "dynamic",
                "capacity": plan.home_size,
                "homeMountPath": "/home/jovyan",
                "extraVolumes": [
                    {
                        "name": "icp-exchange",
                        "persistentVolumeClaim": {"claimName": plan.exchange_claim},
                    }
                ],
                "extraVolumeMounts": [{"name": "icp-exchange", "mountPath": EXCHANGE_ROOT}],
            },
            "memory": {"guarantee": "512M", "limit": "1G"},
        },
        "cull": {
            "enabled": True,
            "users": False,
            "adminUsers": True,
            "timeout": plan.idle_minutes * 60,
            "every": 300,
        },
        "custom": {
            "icp": {
                "facilitators": facilitators,
                "environment": {
                    "JUPYTER_CONFIG_PATH": f"{PROFILES}/formgrader",
                    "ICP_COHORTS_DIR": f"{STAFF_ROOT}/cohorts",
                    "ICP_DB_URL": {
                        "valueFrom": {
                            "secretKeyRef": {"name": plan.gradebook_secret, "key": GRADEBOOK_KEY}
                        }
                    },
                },
                "volumes": [
                    {"name": "icp-staff", "persistentVolumeClaim": {"claimName": plan.staff_claim}}
                ],
                "volume_mounts": [{"name": "icp-staff", "mountPath": STAFF_ROOT}],
            }
        },
    }


def storage_manifests(plan: KubernetesPlan) -> list[dict]:
    """The shared claims (ReadWriteMany) and the Job that opens the exchange (mode 1777)."""
    claims = []
    for claim, size in ((plan.exchange_claim, "1Gi"), (plan.staff_claim, "5Gi")):
        spec: dict = {
            "accessModes": ["ReadWriteMany"],
            "resources": {"requests": {"storage": size}},
        }
        if plan.storage_class:
            spec["storageClassName"] = plan.storage_class
        claims.append(
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": claim},
                "spec": spec,
            }
        )
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": f"{plan.exchange_claim}-open"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {
                            "name": "chmod",
                            "image": "busybox:1.36",
                            "command": ["chmod", "1777", "/exchange"],
                            "securityContext": {"runAsUser": 0},
                            "volumeMounts": [{"name": "exchange", "mountPath": "/exchange"}],
                        }
                    ],
                    "volumes": [
                        {
                            "name": "exchange",
                            "persistentVolumeClaim": {"claimName": plan.exchange_claim},
                        }
                    ],
                }
            }
        },
    }
    return [*claims, job]


class _Dumper(yaml.SafeDumper):
    """YAML for people to read: text of several lines as a block, no anchors (``&id001``)."""

    def ignore_aliases(self, data) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def _dump(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True)


_FORMGRADER_NBGRADER = '''"""nbgrader for facilitators (icp cohort kubernetes): the cohort."""

import os

c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.root = {cohort!r}
if os.path.exists({cohort!r} + "/nbgrader_config.py"):
    load_subconfig({cohort!r} + "/nbgrader_config.py")  # noqa: F821
'''

_FACILITATOR_HOOK = '''# written by `icp cohort kubernetes`: facilitators' servers get the
# formgrader's profile, the gradebook's address (from a Secret) and the facilitators'
# volume; no one else's server does
from z2jh import get_config

icp = get_config("custom.icp")


def icp_added(existing, extra):
    """``extra`` added to KubeSpawner's volumes or mounts (a list, or a dict by key)."""
    if isinstance(existing, dict):
        return {**existing, **{item["name"]: item for item in extra}}
    return [*existing, *extra]


def icp_facilitator_server(spawner):
    if spawner.user.name not in icp["facilitators"]:
        return
    spawner.environment = {**spawner.environment, **icp["environment"]}
    spawner.volumes = icp_added(spawner.volumes, icp["volumes"])
    spawner.volume_mounts = icp_added(spawner.volume_mounts, icp["volume_mounts"])


c.KubeSpawner.pre_spawn_hook = icp_facilitator_server  # noqa: F821 - the hub's config
'''
