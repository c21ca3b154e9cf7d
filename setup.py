"""Packaging glue that pyproject.toml cannot express: the top-level `resources/` ships inside the wheel
as `xinfang/bundled/` (found by xinfang/resources.py). Every other setting is in pyproject.toml, including
the glob-based package data (new migrations and resource files are included without editing anything)."""
import warnings

from setuptools import find_packages, setup

# The data folders (migrations/, bundled/fonts/ …) are data, not packages; setuptools warns about each one.
warnings.filterwarnings("ignore", message=r"Package '.*' is absent from the `packages` configuration")

setup(
    packages=find_packages(include=["xinfang", "xinfang.*"]) + ["xinfang.bundled"],
    package_dir={"xinfang.bundled": "resources"},
)
