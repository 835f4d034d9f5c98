"""`chalice package` without the deployment zip: the template Chalice would write, in about a second.

The zip (all dependencies, rebuilt whenever app code changes) takes tens of
seconds and is the same for every province; the template is what differs.
This runs Chalice's own packager with its build step that makes the zip
replaced by one that names an empty placeholder, so the template is exactly
Chalice's. Run in a subprocess (the app is imported with the stage's STAGE):

    python -m infra.chalice_template PROJECT_DIR STAGE OUTDIR [MERGE_TEMPLATE]
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any


def package_template_only(project_dir: str, stage: str, outdir: str, merge: str | None = None) -> Path:
    """Write OUTDIR/sam.json as `chalice package` would, but no deployment.zip."""
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import deployer, models

    class PlaceholderPackage(deployer.BaseDeployStep):
        """Names an empty zip instead of building one (the template only needs a file name)."""

        def __init__(self, path: str) -> None:
            self._path = path

        def handle_deploymentpackage(self, config: Any, resource: Any) -> None:
            if isinstance(resource.filename, models.Placeholder):
                resource.filename = self._path

    factory = CLIFactory(project_dir)
    config = factory.create_config_obj(stage)
    packager = factory.create_app_packager(config, factory.create_package_options(), "cloudformation", "json",
                                           merge)
    with tempfile.TemporaryDirectory(prefix="chalice-template-") as scratch:
        placeholder = str(Path(scratch) / "placeholder.zip")
        zipfile.ZipFile(placeholder, "w").close()
        steps = packager._resource_builder._build_stage._steps
        for i, step in enumerate(steps):
            if isinstance(step, deployer.DeploymentPackager | deployer.ManagedLayerDeploymentPackager):
                steps[i] = PlaceholderPackage(placeholder)
        packager.package_app(config, outdir, stage)
    (Path(outdir) / "deployment.zip").unlink(missing_ok=True)
    return Path(outdir) / "sam.json"


if __name__ == "__main__":
    project, stage_name, out, *rest = sys.argv[1:]
    print(package_template_only(project, stage_name, out, rest[0] if rest else None))
