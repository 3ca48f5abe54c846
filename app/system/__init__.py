"""Checks of the machine the program runs on, made before Qt starts (no Qt imports here).

`shared_libraries` resolves the shared libraries of the Qt parts the program loads and
names the Debian package of each missing one; `display` decides whether the window can
open at all (a display, and the libraries of the xcb platform plugin).
"""
