from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every form renders as Bootstrap fields with its errors next to each field."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
