"""The contract machine: a hypothesis state machine checking any client against a model."""

from nexigon_fake.errors import missing_extra

try:  # every module of the machine needs it: say so once, naming the extra
    import hypothesis  # noqa: F401
except ModuleNotFoundError as error:  # hypothesis comes with [testing]
    raise missing_extra(error, __name__, "testing") from None
