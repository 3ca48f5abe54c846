"""Label rendering and printing with QtWebEngine: hardened profile, PDF output, print queue."""
