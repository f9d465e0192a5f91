from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from programs.roles import Role
from programs.services import account_create


class Command(BaseCommand):
    help = "Create or update an account with one role (officers need --province)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument("--province", help="Kemendagri province code, e.g. 31 (officers only)")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="If omitted for a new account, one is generated and printed.")

    def handle(self, *args, username, role, province, email, password, **options):
        generated = None
        if not password:
            from django.contrib.auth import get_user_model

            if not get_user_model().objects.filter(username=username).exists():
                password = generated = get_random_string(16)
        try:
            user, created = account_create(
                username=username, role=role, province_code=province, email=email, password=password
            )
        except ValidationError as error:
            raise CommandError("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())) from None
        where = f" in province {user.profile.province.code} ({user.profile.province.name})" if user.profile.province else ""
        self.stdout.write(f"{'Created' if created else 'Updated'} {role} account {user.username}{where}.")
        if generated:
            self.stdout.write(f"Password: {generated}")
