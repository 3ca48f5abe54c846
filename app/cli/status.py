"""The command line's name and exit statuses, one definition for every command.

0 every order ok, 1 some orders not ok, 2 usage, configuration or authentication errors
(or no display for the window), 130 stopped or interrupted by Ctrl-C.
"""

from __future__ import annotations

PROG = "waybill-printer"
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C, as a shell reports a program that SIGINT ended."""
