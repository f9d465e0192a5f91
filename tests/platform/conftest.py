import sys


def pytest_terminal_summary(terminalreporter):
    """The API fuzzing figures (operations, requests, server errors, time), when it ran."""
    fuzzing = sys.modules.get(f"{__package__}.test_api_fuzz")
    line = fuzzing.fuzz_summary() if fuzzing is not None else None
    if line:
        terminalreporter.write_line(line)
