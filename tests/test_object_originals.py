"""A body's working copy of an object is known by identity, not by a reused id.

``runtime/objects`` remembers which original object a traced body's working copy stands
for, keyed by the copy's id. Once the copy is gone, Python may give its id to another
object (a later program's, or one a body made); that object must not be taken for a
working copy, or a traced branch would write into an unrelated original (seen as a
flaky layout mismatch in long runs of generated programs).
"""

from __future__ import annotations

from py2lax.runtime import objects


class Box:
    def __init__(self, value):
        self.value = value


def test_a_live_working_copy_finds_its_original():
    original, copy = Box(1.0), Box(1.0)
    objects._note_original(copy, original)
    assert objects.original_of(copy) is original


def test_an_object_that_reuses_a_dead_copys_id_has_no_original():
    stranger, unrelated = Box(2.0), Box(3.0)
    # (what a dead copy's entry looks like when `stranger` got its id)
    objects._ORIGINALS[id(stranger)] = (lambda: None, unrelated)
    assert objects.original_of(stranger) is None
    assert objects._recorded_original(stranger) is None
