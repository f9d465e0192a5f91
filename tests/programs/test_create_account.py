import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

User = get_user_model()


def test_creates_an_officer_bound_to_a_province(db, capsys):
    call_command("create_account", "petugas.bali", "--role", "officer", "--province", "51", "--email", "bali@disperindag.go.id", "--password", "Endek-Bali-2020")
    user = User.objects.get(username="petugas.bali")
    assert user.groups.get().name == "officer"
    assert user.profile.province.code == "51"
    assert user.check_password("Endek-Bali-2020")
    assert "Created officer account petugas.bali in province 51" in capsys.readouterr().out


def test_generated_password_is_printed_and_works(db, capsys):
    call_command("create_account", "staf.baru", "--role", "ministry-staff")
    password = capsys.readouterr().out.split("Password: ")[1].strip()
    assert User.objects.get(username="staf.baru").check_password(password)


def test_rerun_updates_instead_of_duplicating(db):
    call_command("create_account", "petugas", "--role", "officer", "--province", "32", "--password", "Pertama-2020-x")
    call_command("create_account", "petugas", "--role", "officer", "--province", "33")
    user = User.objects.get(username="petugas")
    assert user.profile.province.code == "33"
    assert user.check_password("Pertama-2020-x")


def test_ministry_admin_gets_the_admin_site(db):
    call_command("create_account", "admin.baru", "--role", "ministry-admin", "--password", "Admin-Baru-2020")
    user = User.objects.get(username="admin.baru")
    assert user.is_staff and user.is_superuser


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer"], "needs a province"),
        (["--role", "officer", "--province", "99"], "Unknown province code 99"),
        (["--role", "owner", "--province", "32"], "Only provincial officers"),
    ],
)
def test_bad_arguments_fail_with_a_readable_message(db, args, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("create_account", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_unknown_role_is_refused(db):
    with pytest.raises(CommandError):
        call_command("create_account", "someone", "--role", "superhero")
