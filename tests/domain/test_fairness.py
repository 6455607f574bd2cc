"""The per-rep fairness report: shares, grades, contact speed and the red/yellow/green flag."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.fairness import AssignmentFact, FairnessPolicy, Flag, Period, RepFairness, fairness_report
from domain.leads import Grade, Rep

START = datetime(2024, 6, 1, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=30))
VETERAN = date(2020, 1, 1)


def rep(user_id: str, weight: float = 1.0, joined: date = VETERAN) -> Rep:
    return Rep(user_id=user_id, name=user_id, joined_at=joined, weight=weight)


def facts(
    user_id: str, count: int, grade: Grade = Grade.B, contact_after: timedelta | None = None
) -> list[AssignmentFact]:
    return [
        AssignmentFact(
            user_id,
            grade,
            START + timedelta(hours=i),
            None if contact_after is None else START + timedelta(hours=i) + contact_after,
        )
        for i in range(count)
    ]


def by_user(report: tuple[RepFairness, ...]) -> dict[str, RepFairness]:
    return {line.user_id: line for line in report}


def test_even_split_is_green_with_equal_shares() -> None:
    team = [rep("A"), rep("B"), rep("C"), rep("D")]
    report = fairness_report([f for r in team for f in facts(r.user_id, 10)], team, PERIOD)

    assert [line.flag for line in report] == [Flag.GREEN] * 4
    assert [line.share for line in report] == [0.25] * 4
    assert [line.fair_share for line in report] == [0.25] * 4
    assert all(line.reasons == () for line in report)


def test_survey_imbalance_top_rep_at_2_3x_the_average_is_red() -> None:
    team = [rep(name) for name in "ABCDE"]
    history = facts("A", 23) + facts("B", 7) + facts("C", 7) + facts("D", 7) + facts("E", 6)

    report = by_user(fairness_report(history, team, PERIOD))

    assert report["A"].flag is Flag.RED
    assert report["A"].reasons[0].code == "share_deviation"
    assert report["A"].reasons[0].params == {"received": 23, "expected": 10.0, "deviation": 1.2}
    assert report["E"].flag is Flag.YELLOW


def test_yellow_between_25_and_50_percent_off() -> None:
    team = [rep("A"), rep("B")]
    report = by_user(fairness_report(facts("A", 27) + facts("B", 13), team, PERIOD))

    assert report["A"].flag is Flag.YELLOW
    assert report["B"].flag is Flag.YELLOW


def test_one_lead_of_rounding_is_not_unfair() -> None:
    team = [rep("A"), rep("B")]
    report = fairness_report(facts("A", 2) + facts("B", 1), team, PERIOD)

    assert [line.flag for line in report] == [Flag.GREEN, Flag.GREEN]


def test_weights_set_the_fair_share() -> None:
    team = [rep("A", weight=2.0), rep("B", weight=1.0)]
    report = by_user(fairness_report(facts("A", 20) + facts("B", 10), team, PERIOD))

    assert report["A"].fair_share == 2 / 3
    assert report["A"].flag is Flag.GREEN
    assert report["B"].flag is Flag.GREEN


def test_time_off_lowers_the_fair_share_instead_of_raising_a_flag() -> None:
    team = [rep("A"), rep("B")]
    history = facts("A", 20) + facts("B", 10)

    without_leave = by_user(fairness_report(history, team, PERIOD))
    with_leave = by_user(fairness_report(history, team, PERIOD, days_available={"B": 15}))

    assert without_leave["B"].flag is Flag.YELLOW
    assert with_leave["B"].fair_share == 1 / 3
    assert with_leave["B"].flag is Flag.GREEN


def test_counts_by_grade_and_median_time_to_first_contact() -> None:
    team = [rep("A")]
    history = (
        facts("A", 2, Grade.S, contact_after=timedelta(hours=1))
        + facts("A", 1, Grade.A, contact_after=timedelta(hours=5))
        + facts("A", 1, Grade.C, contact_after=timedelta(hours=3))
        + facts("A", 1, Grade.C)
    )

    (line,) = fairness_report(history, team, PERIOD)

    assert line.received == 5
    assert dict(line.by_grade) == {Grade.S: 2, Grade.A: 1, Grade.B: 0, Grade.C: 2}
    assert line.median_first_contact == timedelta(hours=2)


def test_a_rep_who_contacted_nothing_has_no_median() -> None:
    (line,) = fairness_report(facts("A", 3), [rep("A")], PERIOD)

    assert line.median_first_contact is None


def test_leads_outside_the_period_or_off_the_roster_are_left_out() -> None:
    team = [rep("A"), rep("B")]
    history = [
        *facts("A", 5),
        *facts("B", 5),
        AssignmentFact("A", Grade.B, PERIOD.end),
        AssignmentFact("A", Grade.B, START - timedelta(seconds=1)),
        AssignmentFact("MANAGER", Grade.B, START),
    ]

    report = fairness_report(history, team, PERIOD)

    assert [line.received for line in report] == [5, 5]


def test_new_rep_short_of_their_premium_share_is_flagged() -> None:
    newcomer = rep("N", joined=date(2024, 5, 1))
    team = [rep("A"), rep("B"), rep("C"), newcomer]
    # 40 S/A leads: new reps are owed 20 % = 8; N got 2, though their overall share (17 of 70) is fair.
    history = (
        facts("A", 13, Grade.A)
        + facts("B", 13, Grade.A)
        + facts("C", 12, Grade.A)
        + facts("N", 2, Grade.S)
        + facts("N", 15, Grade.C)
        + facts("A", 4, Grade.C)
        + facts("B", 5, Grade.C)
        + facts("C", 6, Grade.C)
    )

    report = by_user(fairness_report(history, team, PERIOD, policy=FairnessPolicy(new_rep_share=0.2)))

    assert report["N"].flag is Flag.YELLOW
    assert [reason.code for reason in report["N"].reasons] == ["new_rep_share_short"]
    assert report["N"].reasons[0].params == {"received": 2, "owed": 8.0}


def test_a_new_rep_who_got_their_premium_share_is_green() -> None:
    team = [rep("A"), rep("N", joined=date(2024, 5, 1))]
    history = (
        facts("A", 8, Grade.A) + facts("N", 2, Grade.A) + facts("A", 2, Grade.C) + facts("N", 8, Grade.C)
    )

    report = by_user(fairness_report(history, team, PERIOD))

    assert report["N"].flag is Flag.GREEN


def test_a_rep_past_their_new_rep_days_is_not_owed_a_premium_share() -> None:
    team = [rep("A"), rep("V", joined=date(2024, 1, 2))]
    history = facts("A", 10, Grade.A) + facts("V", 10, Grade.C)

    report = by_user(fairness_report(history, team, PERIOD))

    assert report["V"].flag is Flag.GREEN


def test_an_empty_period_reports_everyone_green_with_nothing_received() -> None:
    report = fairness_report([], [rep("A"), rep("B")], PERIOD)

    assert [(line.received, line.share, line.flag) for line in report] == [(0, 0.0, Flag.GREEN)] * 2
