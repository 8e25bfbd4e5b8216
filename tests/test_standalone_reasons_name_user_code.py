"""``--standalone`` notes quote the user's call, not the runtime's wrapper.

A call kept as Python for its effect was quoted from the pipeline's form, cut at 40
characters: ``py2lax.converted(self.seen.add`` (IPython's application.py), a name
that output never defines. The wrapper is taken off before the quote is cut.
"""

from py2lax import transpile

SOURCE = '''
class Box:
    def add(self, value):
        self.last = value


class Watcher:
    def changed(self, change):
        if change["new"] != change["old"]:
            self.seen_values_so_far.add(change["new"])
'''


def test_a_call_kept_for_its_effect_is_quoted_as_written():
    text = transpile(SOURCE, "m.py", all_functions=True, standalone=True)
    assert "py2lax.converted" not in text
    assert "`self.seen_values_so_far.add(change['new'` is called for its effect" in text
