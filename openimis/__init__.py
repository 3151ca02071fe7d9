"""openIMIS Lite: the openIMIS reference package as one Python program."""

__version__ = "0.1.0"
