"""The `resalat` command: the host's groups plus every group the loaded plugins contribute."""

from __future__ import annotations

import logging

from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from resalat_core.app import create_app

    # A plugin that cannot load is reported in one line (``resalat plugins list`` says why);
    # the command goes on with the others.
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    logging.getLogger("stevedore").setLevel(logging.CRITICAL)
    return create_app()


cli = FlaskGroup(
    name="resalat",
    create_app=_create_app,
    add_version_option=False,
    load_dotenv=False,
    help="M-Resalat: the host and its plugins. Run `resalat demo` then `resalat run`.",
)


def main() -> None:
    cli.main(prog_name="resalat")


if __name__ == "__main__":
    main()
