"""Facts read from generated code nobody registered are kept per file: two files holding
the same text have equal code objects (code equality ignores the file name), and the
second file's errors named the first file."""

from py2lax.diagnostics.statements import describe

SOURCE = '''
def body_fn(i, total):
    total = total + i
    i = i + 1
    return (i, total)
'''


def body_from(filename: str):
    namespace: dict = {}
    exec(compile(SOURCE, filename, "exec"), namespace)
    return namespace["body_fn"]


def test_equal_code_in_two_files_is_described_at_each_file():
    first, second = body_from("/tmp/f12_first_copy.py"), body_from("/tmp/f12_second_copy.py")
    assert first.__code__ == second.__code__  # what made them collide
    assert describe(first, "while", 2).filename == "/tmp/f12_first_copy.py"
    assert describe(second, "while", 2).filename == "/tmp/f12_second_copy.py"
