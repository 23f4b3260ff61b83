"""Put a service's ValidationError next to the form fields it names, so the page shows each
message beside its input and keeps what the user typed."""


def attach_errors(form, exc, only_new: bool = False, default: str | None = None) -> None:
    """Append `exc.fields` to the matching fields of a WTForms form; anything that names no
    field (or a field the form lacks) goes to the `default` field when given, else to
    `form.form_errors`, shown at the top. With `only_new`, a field that already shows the form's
    own message gets no second one."""
    fallback = form._fields.get(default) if default else None
    for name, message in (exc.fields or {}).items():
        field = _find(form, name) or fallback
        if field is None:
            form.form_errors.append(message)
        elif not (only_new and field.errors):
            field.errors = list(field.errors) + [message]
    if not exc.fields:
        if fallback is not None:
            fallback.errors = list(fallback.errors) + [exc.message]
        else:
            form.form_errors.append(exc.message)


def _find(form, name: str):
    """'price' -> form.price; 'certifications-1-kind' -> form.certifications[1].kind. A form
    whose inputs are named for people ('stock') maps the service's names in `error_aliases`."""
    name = getattr(form, "error_aliases", {}).get(name, name)
    if name in form._fields:
        return form._fields[name]
    parts = name.split("-")
    if len(parts) == 3 and parts[0] in form._fields and parts[1].isdigit():
        entries = form._fields[parts[0]].entries
        index = int(parts[1])
        if index < len(entries):
            return entries[index].form._fields.get(parts[2])
    return None


def run_form_action(form, action, upload_field=None, upload_note=None):
    """Call a service on behalf of a submitted form and return what it returns. A ValidationError
    lands next to the fields; another refusal (Conflict, say) is flashed; either way the
    transaction is rolled back and None returned so the view shows the form again with what was
    typed. Browsers never send a chosen file twice, so `upload_note` asks to pick photos again."""
    from flask import flash

    from ..extensions import db
    from .errors import ServiceError, ValidationError

    try:
        return action()
    except ValidationError as exc:
        db.session.rollback()
        attach_errors(form, exc)
        note_lost_uploads(form, upload_field, upload_note)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    return None


def note_lost_uploads(form, upload_field, upload_note) -> None:
    """Say that chosen photos must be chosen again, when some were sent with a refused form."""
    if upload_field is None or upload_note is None:
        return
    field = form[upload_field]
    data = field.data if isinstance(field.data, list) else [field.data]
    if any(f is not None and getattr(f, "filename", "") for f in data):
        field.errors = list(field.errors) + [upload_note]
