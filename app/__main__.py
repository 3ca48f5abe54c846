"""`python -m app` runs the same entry point as the `waybill-printer` command."""

from app.cli import main

raise SystemExit(main())
