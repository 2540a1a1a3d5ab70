"""The `resalat` command: the host's groups plus every group the loaded plugins contribute."""

from __future__ import annotations

from flask.cli import FlaskGroup


def _create_app():  # type: ignore[no-untyped-def]
    from resalat_core.app import create_app

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
