"""Indonesian for the messages of Django REST framework that its own catalogue leaves in English.

DRF ships Indonesian for about a third of its messages, so an API client met "A valid number
is required." or "Invalid data. Expected a dictionary, but got list." in English. Naming them
here keeps them in ``locale/id`` when ``makemessages`` runs; Django reads the portal's catalogue
before DRF's. Only what a client of this API can meet is listed (no hyperlinks or UUIDs; of files, what a
client uploading a partner report meets).
"""
from django.utils.translation import gettext_noop

DRF_MESSAGES = [
    gettext_noop("A valid number is required."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Not a valid string."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("Datetime value out of range."),
    gettext_noop("Expected a list of items but got type \"{input_type}\"."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Enter a valid \"slug\" consisting of Unicode letters, numbers, underscores, or hyphens."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Expected a datetime but got a date."),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Invalid datetime for the timezone \"{timezone}\"."),
    gettext_noop("Invalid input."),
    gettext_noop("Invalid value."),
    gettext_noop("Invalid page."),
    gettext_noop("Invalid token."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("Malformed request."),
    gettext_noop("Method \"{method}\" not allowed."),
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop("String value too large."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("This list may not be empty."),
    gettext_noop("This field must be unique."),
    gettext_noop("The fields {field_names} must make a unique set."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop("The submitted data was not a file. Check the encoding type on the form."),
]
