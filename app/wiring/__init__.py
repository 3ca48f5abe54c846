"""How one process is put together, shared by the window and the command line.

The WeChat client from settings and credentials (`client`), the rotating log file with
secrets masked (`logging_session`) and the process environment QtWebEngine needs
(`qt_environment`). Sits below `app.ui` and `app.cli`, beside `app.printing`.
"""
