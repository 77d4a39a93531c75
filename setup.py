"""Build hook: ship the top-level templates/ folder inside the wheel as directory/templates.

The team keeps templates/ at the top level (see shared/STYLE.md); an installed package has no
checkout beside it, so the build copies the folder into the package. Everything else about
the build lives in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithTemplates(build_py):
    def run(self):
        super().run()
        source = Path(__file__).parent / "templates"
        target = Path(self.build_lib) / "directory" / "templates"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildPyWithTemplates})
