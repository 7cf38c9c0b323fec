"""Demo builders: each app registers a function that adds its records to the demo county
(建平县). ``manage.py load_demo`` runs them in order, each once per database.

    register("licensing.dealers", build_dealers, order=200)

A builder receives a ``DemoContext`` with the county, the station and the demo users, and may
add to ``ctx.extras`` for the builders after it. It runs inside a service context (one
transaction) and should create its rows through the app's services where they exist."""

from dataclasses import dataclass, field


@dataclass
class DemoContext:
    county: object
    station: object
    users: dict
    extras: dict = field(default_factory=dict)
    stdout: object = None

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)


_BUILDERS: list[tuple[int, str, object]] = []


def register(name: str, func, *, order: int = 100):
    if any(n == name for _, n, _f in _BUILDERS):
        return
    _BUILDERS.append((order, name, func))


def builders():
    return [(name, func) for _, name, func in sorted(_BUILDERS, key=lambda b: (b[0], b[1]))]
