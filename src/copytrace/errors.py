"""The one error type copytrace raises for bad input."""


class InputError(ValueError):
    """Bad input: the message is one line that names the source and the problem.

    >>> raise InputError("notes.txt", "file is empty")
    Traceback (most recent call last):
    copytrace.errors.InputError: notes.txt: file is empty
    """

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")
