from django.core.management.base import BaseCommand, CommandError

from programs import demo as programs_demo


class Command(BaseCommand):
    help = "Fill the database with demo accounts (one per role) and synthetic records."

    def add_arguments(self, parser):
        parser.add_argument("--businesses", type=int, default=200, help="Total businesses wanted (default 200).")
        parser.add_argument("--seed", type=int, default=2020, help="Random seed, for repeatable data.")

    def handle(self, *args, businesses, seed, **options):
        if businesses < 0:
            raise CommandError("--businesses must be 0 or more.")
        accounts = programs_demo.seed(businesses=businesses, seed=seed, stdout=self.stdout)
        self.stdout.write("Demo accounts (user name / password / role):")
        for account in accounts:
            where = f", province {account['province_code']}" if account.get("province_code") else ""
            self.stdout.write(f"  {account['username']:<28} {account['password']:<22} {account['role'].value}{where}")
