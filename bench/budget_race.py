"""50 realisation entries fired at once, through /api/v1/budget-realisations/, at an activity
with budget left for 20 (issue 13): how many are accepted, how the others are answered, and
whether the sum recorded equals the budget. Rounds on fresh activities.

Run: scripts/bench.sh bench/budget_race.py [--entries 50] [--room 20] [--rounds 5]
"""
import argparse
import threading
import time
from collections import Counter

from _common import bench_user, connection  # noqa: F401  (sets Django up)

from django.db.models import Sum
from rest_framework.test import APIClient

from budgets.models import Activity, Allocation, Realisation
from programs.models import Province

AMOUNT = 5_000_000


def fire(officer, activity, entries):
    barrier = threading.Barrier(entries)
    answers = [None] * entries

    def post(index):
        client = APIClient()
        client.force_authenticate(officer)
        body = {"activity": activity.pk, "payment_number": f"RACE-{activity.pk}-{index:03d}", "date": "2020-07-01", "amount": AMOUNT, "account": "521211"}
        try:
            barrier.wait(timeout=30)
            reply = client.post("/api/v1/budget-realisations/", body, format="json")
            answers[index] = (reply.status_code, reply.json().get("amount", [""])[0] if reply.status_code == 400 else "")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(entries)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--room", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    west_java = Province.objects.get(code="32")
    officer = bench_user("bench.race.officer", "officer", province=west_java)
    allocation, _created = Allocation.objects.get_or_create(
        year=2020, province=west_java,
        defaults={"satker_code": "320123", "satker_name": "Dinas Perindustrian Provinsi Jawa Barat", "original_ceiling": 10**12, "ceiling": 10**12},
    )
    for round_number in range(1, args.rounds + 1):
        budget = args.room * AMOUNT
        activity = Activity.objects.create(
            allocation=allocation, kind="ppe-bimtek", name=f"Balapan {round_number}", output="Masker", unit="masks", target=1000,
            planned_start="2020-06-01", planned_end="2020-07-01", budget=budget,
        )
        Allocation.objects.filter(pk=allocation.pk).update(planned=sum(Activity.objects.filter(allocation=allocation).values_list("budget", flat=True)))
        answers, seconds = fire(officer, activity, args.entries)
        statuses = Counter(status for status, _message in answers)
        messages = Counter(message for status, message in answers if status == 400)
        recorded = Realisation.objects.filter(activity=activity).aggregate(total=Sum("amount"))["total"] or 0
        activity.refresh_from_db()
        print(f"round {round_number}: {args.entries} at once on budget for {args.room}: {statuses.get(201, 0)} accepted, {statuses.get(400, 0)} refused, "
              f"other {sum(count for status, count in statuses.items() if status not in (201, 400))}; recorded Rp {recorded:,} of Rp {budget:,} "
              f"(running sum Rp {activity.realised:,}) in {seconds:.2f} s; refusals: {dict(messages)}")
        assert statuses.get(201, 0) == args.room and recorded == budget == activity.realised


if __name__ == "__main__":
    main()
