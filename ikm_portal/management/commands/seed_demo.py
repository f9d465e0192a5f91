import time

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from programs import demo as programs_demo
from surveys import demo as surveys_demo
from surveys.outliers import refresh_ranges
from surveys.rollups import refresh


class Command(BaseCommand):
    help = "Fill the database with demo accounts (one per role) and synthetic records."

    def add_arguments(self, parser):
        parser.add_argument("--businesses", type=int, default=200, help="Total businesses wanted (default 200).")
        parser.add_argument(
            "--responses", type=int, default=450,
            help="Total survey responses wanted over the demo waves (default 450); more businesses are added if needed.",
        )
        parser.add_argument("--events", type=int, default=24, help="Total workshops and trainings wanted (default 24).")
        parser.add_argument("--registrations", type=int, default=300, help="Registrations spread over the events added (default 300).")
        parser.add_argument("--seed", type=int, default=2020, help="Random seed, for repeatable data.")
        parser.add_argument("--budget-years", type=int, default=0, help="Fiscal years of budget data at scale, from 2016 (default 0: only the 2020 demo year).")
        parser.add_argument("--budget-activities", type=int, default=200, help="Activities per province and year of --budget-years (default 200).")
        parser.add_argument("--onboardings", type=int, default=0, help="Marketplace shops at scale over 2020–2021 (default 0), up to one per business and marketplace.")
        parser.add_argument("--budget-entries", type=int, default=100_000, help="Realisation entries over all of --budget-years (default 100,000).")

    def handle(self, *args, businesses, responses, events, registrations, seed, budget_years, budget_activities, budget_entries, onboardings, **options):
        if min(businesses, responses, events, registrations, budget_years, budget_activities, budget_entries, onboardings) < 0:
            raise CommandError("--businesses, --responses, --events, --registrations and the --budget-… counts must be 0 or more.")
        # The first demo wave reaches the most businesses: a bit over 40 % of the responses.
        businesses = max(businesses, int(responses * 0.4 * 1.05) + 1 if responses else 0)
        accounts = programs_demo.seed(businesses=businesses, seed=seed, stdout=self.stdout)
        started = time.monotonic()
        added, waves = surveys_demo.seed_responses(total=responses, rng=np.random.default_rng(seed + 1))
        if added:
            elapsed = time.monotonic() - started
            self.stdout.write(f"Added {added:,} survey responses in {elapsed:.1f} s ({added / max(elapsed, 1e-9):,.0f} rows/s).")
            started = time.monotonic()
            for wave in waves:
                refresh(wave=wave)
                if wave.accepts_entries:  # entries into the open wave are checked against these
                    refresh_ranges(wave)
            self.stdout.write(f"Impact rollups and outlier ranges of {len(waves)} waves computed in {time.monotonic() - started:.1f} s.")
        from programs.models import Event

        missing_events = events - Event.objects.count()
        if missing_events > 0:
            started = time.monotonic()
            added_events, added_registrations = programs_demo.seed_events(count=missing_events, registrations=registrations, rng=np.random.default_rng(seed + 2))
            self.stdout.write(f"Added {added_events:,} events and {added_registrations:,} registrations in {time.monotonic() - started:.1f} s.")
        from django.contrib.auth import get_user_model

        from budgets import demo as budgets_demo

        admin = get_user_model().objects.filter(username="admin").first()
        if admin is not None and budgets_demo.seed_year(user=admin, rng=np.random.default_rng(seed + 3)):
            self.stdout.write(f"Added the deconcentration budgets of {budgets_demo.YEAR} for every province of that year.")
        if admin is not None and budget_years:
            added_years, elapsed = budgets_demo.seed_years(user=admin, years=budget_years, activities=budget_activities, entries=budget_entries)
            if added_years:
                self.stdout.write(f"Added budget years {', '.join(map(str, added_years))}: {budget_activities:,} activities per province and {budget_entries:,} realisation entries in {elapsed:.1f} s.")
        from marketplace import demo as marketplace_demo

        if admin is not None:
            started = time.monotonic()
            shops = marketplace_demo.seed(user=admin, rng=np.random.default_rng(seed + 4))
            if shops:
                self.stdout.write(f"Added {shops:,} marketplace shops and two partner reports (one refused, one with sellers to confirm) in {time.monotonic() - started:.1f} s.")
            from marketplace import demo_buyers

            if commitments := demo_buyers.seed(user=admin, rng=np.random.default_rng(seed + 5)):
                self.stdout.write(f"Added {len(demo_buyers.BUYERS)} foreign buyers, {commitments} export commitments (most held in 2020) and business matching meetings.")
        from marketplace import demo_scale as onboarding_scale

        onboarding_scale.seed_targets()
        if admin is not None and onboardings:
            added, elapsed = onboarding_scale.seed_onboardings(onboardings, user=admin)
            self.stdout.write(f"Added {added:,} marketplace shops at scale (2020–2021) and refreshed the onboarding dashboard in {elapsed:.1f} s.")
        elif admin is not None:
            from marketplace import figures as onboarding_figures

            onboarding_figures.refresh()
            onboarding_figures.refresh_conversion()
        self.stdout.write("Demo accounts (user name / password / role):")
        for account in accounts:
            where = f", province {account['province_code']}" if account.get("province_code") else ""
            self.stdout.write(f"  {account['username']:<28} {account['password']:<22} {account['role'].value}{where}")
