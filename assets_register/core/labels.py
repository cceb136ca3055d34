"""Choice labels without rebuilding the choices: Django's get_FOO_display makes a dict of
the field's choices at every call (5 µs), and a page of 50 places calls it 100 times."""

import functools
import html

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


class ChoiceLabels:
    """A model mixin: get_FOO_display reads a dict made once per field; label_of gives
    the same label for a value read without a model (values_list)."""

    def _get_FIELD_display(self, field):
        return _label(field, getattr(self, field.attname))

    @classmethod
    def label_of(cls, name, value):
        return _label(cls._meta.get_field(name), value)

    @classmethod
    def label_html(cls, name, value):
        """label_of escaped, as |escape writes it: list rows write the same few labels
        many times. Kept once per value, as the labels are plain text, untranslated."""
        return _label_html(cls, name, value)


@functools.lru_cache(maxsize=1024)
def _label_html(model, name, value):
    return html.escape(str(model.label_of(name, value)))


def _label(field, value):
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


@functools.cache
def _labels(field):
    return dict(make_hashable(field.flatchoices))
