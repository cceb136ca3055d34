"""{% url %} for every template (a builtin, site/settings/base.py): Django's tag, reversing
through core.urls.reverse_one. A page's links cost ~17 reverse() calls, a fifth of a
place's page; the same pattern is now reversed once per process."""

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from assets_register.core.urls import reverse_link

register = template.Library()


class LinkNode(defaulttags.URLNode):
    def render(self, context):
        request = getattr(context, "request", None)
        if getattr(request, "current_app", None) or getattr(
            getattr(request, "resolver_match", None), "namespace", None
        ):  # an application instance's own links (the admin's): as Django does
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        url = ""
        try:
            url = reverse_link(self.view_name.resolve(context), args, kwargs)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return LinkNode(node.view_name, node.args, node.kwargs, node.asvar)
