"""Files made from events: the calendar entry (.ics), the participant list (XLSX) and the
certificate of attendance (PDF)."""
import io
import zoneinfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .exports import neutralise


def calendar_file(event, *, url, show_link):
    """An iCalendar file with the event, in its own time zone."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kementerian Perindustrian//Portal IKM//ID")
    calendar.add("version", "2.0")
    entry = icalendar.Event()
    zone = zoneinfo.ZoneInfo(event.timezone)
    entry.add("uid", f"event-{event.pk}@portal-ikm.kemenperin.go.id")
    entry.add("summary", event.title)
    entry.add("dtstart", timezone.localtime(event.starts_at, zone))
    entry.add("dtend", timezone.localtime(event.ends_at, zone))
    entry.add("dtstamp", timezone.now())
    entry.add("url", url)
    where = [event.venue] if event.venue else []
    if show_link and event.meeting_link:
        where.append(event.meeting_link)
    if where:
        entry.add("location", " · ".join(where))
    description = event.description
    if show_link and event.meeting_link:
        description = f"{description}\n\n{_('Meeting link')}: {event.meeting_link}".strip()
    entry.add("description", f"{description}\n\n{url}".strip())
    if event.status == event.Status.CANCELLED:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    return calendar.to_ical()


def participants_xlsx(event, registrations, *, personal, personal_for=lambda business: True):
    """The participant list; phone and e-mail columns only for those who may see such data,
    and filled only for the businesses ``personal_for`` allows (UU PDP)."""
    import xlsxwriter

    from .models import Registration

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Participants")[:31])
    bold = workbook.add_format({"bold": True})
    headers = [_("Business"), _("NIB"), _("Owner"), _("Regency or city"), _("Sector"), _("Scale"), _("Status"), _("Waiting list"), _("Attended"), _("Registered at")]
    if personal:
        headers[3:3] = [_("Phone"), _("E-mail")]
    sheet.write(0, 0, event.title, bold)
    sheet.write(1, 0, date_format(timezone.localtime(event.starts_at, zoneinfo.ZoneInfo(event.timezone)), "j F Y H:i") + f" ({event.timezone})")
    for column, header in enumerate(headers):
        sheet.write(3, column, header, bold)
        sheet.set_column(column, column, 22)
    statuses = dict(Registration.Status.choices)
    rank = 0
    for row, registration in enumerate(registrations, start=4):
        business = registration.business
        if registration.status == Registration.Status.WAITING:
            rank += 1
        values = [
            business.name, business.nib or "", business.owner_name, business.regency.name, business.sector.name,
            business.get_scale_display(), str(statuses[registration.status]),
            rank if registration.status == Registration.Status.WAITING else "",
            "" if registration.attended is None else (_("Yes") if registration.attended else _("No")),
            timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
        if personal:
            allowed = personal_for(business)
            values[3:3] = [business.phone, getattr(business.owner, "email", "") or business.email] if allowed else ["", ""]
        for column, value in enumerate(values):
            sheet.write(row, column, neutralise(value) if isinstance(value, str) else value)
    sheet.freeze_panes(4, 1)
    workbook.close()
    return output.getvalue()


def _latin1(text):
    """The PDF's built-in fonts cover Latin-1 only (no font files needed on the server)."""
    return str(text).replace("–", "-").replace("—", "-").replace("·", "-").encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(registration):
    """A one-page certificate of attendance (A4 landscape)."""
    from fpdf import FPDF

    event = registration.event
    zone = zoneinfo.ZoneInfo(event.timezone)
    starts = timezone.localtime(event.starts_at, zone)
    ends = timezone.localtime(event.ends_at, zone)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_latin1(_("Certificate of attendance")))
    pdf.set_author("Kementerian Perindustrian Republik Indonesia")
    pdf.add_page()
    pdf.set_draw_color(11, 61, 145)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font("Helvetica", "B", 14)
    pdf.set_text_color(11, 61, 145)
    pdf.set_y(25)
    pdf.cell(0, 8, _latin1("KEMENTERIAN PERINDUSTRIAN REPUBLIK INDONESIA"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, _latin1(_("Directorate General of Small, Medium and Miscellaneous Industry")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("Helvetica", "B", 30)
    pdf.set_text_color(0, 0, 0)
    pdf.cell(0, 14, _latin1(_("Certificate of attendance")).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(0, 8, _latin1(_("is given to")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 12, _latin1(registration.business.owner_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 14)
    pdf.cell(0, 8, _latin1(f"{registration.business.name} - {registration.business.regency.name}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 13)
    pdf.cell(0, 8, _latin1(_("for taking part in")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin1(event.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    when = date_format(starts, "j F Y") if starts.date() == ends.date() else f"{date_format(starts, 'j F Y')} - {date_format(ends, 'j F Y')}"
    place = event.venue or event.get_mode_display()
    pdf.cell(0, 8, _latin1(f"{when} - {place}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(175)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 5, _latin1(_("Certificate number %(number)s") % {"number": f"IKM-{event.pk:06d}-{registration.pk:08d}"}), align="C")
    return bytes(pdf.output())
