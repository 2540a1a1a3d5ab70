"""`python cli.py ...` from a checkout: the same `resalat` command the package installs."""

from resalat_core.cli.main import main

if __name__ == "__main__":
    main()
