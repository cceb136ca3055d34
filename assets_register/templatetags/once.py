"""{% once %}…{% endonce %} (a builtin, site/settings/base.py): a part of the layout that
shows nothing of the request, the visitor or the register (the site's name, its static
files, the links of its header and footer) is rendered once per process, script prefix
and language, not on every page: a tenth of a place's page was its header and footer.
Nothing inside may read a page's own variables: it would show the first page's."""

import weakref

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


class OnceNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}  # (script prefix, language): the part as rendered
        _NODES.add(self)

    def render(self, context):
        key = (get_script_prefix(), get_language())
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = mark_safe(self.nodelist.render(context))
        return html


@register.tag
def once(parser, token):
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist)


_NODES = weakref.WeakSet()


@receiver(setting_changed)
def _forget_rendered(**kwargs):  # the parts follow the settings (STATIC_URL, the site's name)
    for node in list(_NODES):
        node.rendered.clear()
