"""PyInstaller entry point of the bundle: the same `main` as the `waybill-printer` command."""

from app.cli import main

raise SystemExit(main())
