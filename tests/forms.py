"""What a browser sends for a page's form: every field as the page shows it."""

from bs4 import BeautifulSoup


def form_values(html, form_selector="form[data-edit-form]"):
    """The fields of the page's form (by default the Wagtail admin's editing form) as a
    browser would submit them untouched: text and hidden inputs with their values, ticked
    boxes and chosen radio buttons, each select's selected option (or its first), each
    textarea's text."""
    form = BeautifulSoup(html, "html.parser").select_one(form_selector)
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen.get("value", chosen.text) if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data
