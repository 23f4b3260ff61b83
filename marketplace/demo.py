"""Demo data for `make run`."""


def register_demo_cli(app) -> None:
    pass
