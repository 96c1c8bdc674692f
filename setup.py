"""The one compiled part: binary COPY rows for dossier ingestion (ADR 18).

Everything else is in pyproject.toml. The extension is optional: without a C compiler the
install still succeeds and ingestion uses psycopg's own row writer (slower, same rows).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "dxgov.core._copybinary",
            ["dxgov/core/_copybinary.c"],
            optional=True,
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
        )
    ]
)
