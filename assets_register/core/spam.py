"""The honeypot every public form carries: a field people never see and robots fill."""

HONEYPOT = "website"


def honeypot_filled(form):
    """Any value counts, even one that cleaning would strip to nothing: NULs the middleware
    dropped (it notes which fields had them), spaces, a tab."""
    dropped = getattr(form.data, "nul_dropped", frozenset())
    return bool(form.data.get(HONEYPOT, "")) or HONEYPOT in dropped
