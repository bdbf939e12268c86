"""Misuse signals: patterns in the audit trail's searches that an auditor should look at (pure).

DUP §9 — all access is logged with its purpose, and periodic, random audits by a unit other than
CDIC evaluate compliance. Routine audits missed the 2025-26 stalking cases: one officer, 7 to 395
searches of one plate, reasons "investigation" or "welfare". Each rule here reads the searches
the trail recorded (who, when, the purpose, the query terms) and names the person, the kind of
pattern, a short explanation and the audit entries behind it. A signal is a question for the
auditor, never a finding: the auditor reviews it and records one.

Explanations never quote a plate or a justification: they are stored, shown and counted; the
auditor's page shows the entries themselves. Thresholds are settings (docs/configuration.md).
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from plateward.search.misuse_records import (
    Activity,
    SearchRecord,
    SensitiveSite,
    area_distance_m,
    area_km2,
    by_person,
    is_generic,
    lacks_case_number,
    median,
    person_of,
    reused_seqs,
    seqs_of,
)


class SignalKind(StrEnum):
    """The patterns looked for, each modelled on a way searches were misused."""

    PLATE_ACROSS_CASES = "plate_across_cases"
    HEAVY_SHARE = "heavy_share"
    BOILERPLATE = "boilerplate_justification"
    CASE_VOLUME = "case_volume"
    SENSITIVE_SITE = "sensitive_site"
    SWEEPING_AREA = "sweeping_area"
    OFF_HOURS = "off_hours"
    ISOLATED_SESSION = "isolated_session"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    SignalKind.PLATE_ACROSS_CASES: "One plate across cases, or without a case",
    SignalKind.HEAVY_SHARE: "Large share of all searches",
    SignalKind.BOILERPLATE: "Boilerplate or reused justifications",
    SignalKind.CASE_VOLUME: "Many searches on one case number",
    SignalKind.SENSITIVE_SITE: "Area search near a sensitive site",
    SignalKind.SWEEPING_AREA: "Sweeping search",
    SignalKind.OFF_HOURS: "Off-hours search",
    SignalKind.ISOLATED_SESSION: "Isolated single-search sessions",
}


@dataclass(frozen=True)
class Thresholds:
    """When each pattern becomes a signal: the settings ``misuse_*`` (docs/configuration.md)."""

    window_days: int = 30
    plate_case_count: int = 3
    plate_no_case_count: int = 2
    case_number_pattern: str | None = None
    share_median_factor: float = 3.0
    share_min_fraction: float = 0.20
    share_min_searches: int = 20
    boilerplate_count: int = 3
    case_people_count: int = 6
    case_search_min: int = 25
    case_search_factor: float = 5.0
    sensitive_site_distance_m: float = 150.0
    sweeping_area_km2: float = 5.0
    sweeping_window_hours: int = 72
    night_start_hour: int = 22
    night_end_hour: int = 6
    usual_hour_share: float = 0.10
    baseline_days: int = 90
    session_gap_minutes: int = 30
    isolated_count: int = 5


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Signal:
    """A pattern worth an auditor's look: whose, what kind, why, and the entries behind it.

    ``key`` says what the pattern is about beyond the person (a plate, a case, one search); it is
    only ever stored hashed, inside ``series`` and ``fingerprint``.
    """

    kind: SignalKind
    username: str | None
    person_id: int | None
    explanation: str
    seqs: tuple[int, ...]
    key: str = ""
    case_number: str | None = None

    @property
    def series(self) -> str:
        """The same pattern of the same person, however much evidence it has gathered."""
        return _digest(f"{self.kind}|{self.username or ''}|{self.key}")

    @property
    def fingerprint(self) -> str:
        """This pattern with exactly this evidence: finding it again records nothing new."""
        return _digest(f"{self.series}|{','.join(map(str, sorted(self.seqs)))}")


@dataclass(frozen=True)
class Evidence:
    """What the rules read: the distinct searches from before the window (they only describe each
    person's usual hours) to its ``end``, the people's other activity around the window, and the
    sensitive sites. ``window`` is the searches from ``start`` to ``end`` (included)."""

    start: datetime
    end: datetime
    searches: tuple[SearchRecord, ...]
    activity: tuple[Activity, ...] = ()
    sites: tuple[SensitiveSite, ...] = ()
    window: tuple[SearchRecord, ...] = field(init=False)

    def __post_init__(self) -> None:
        inside = tuple(s for s in self.searches if self.start <= s.at <= self.end)
        object.__setattr__(self, "window", inside)


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _signal(kind: SignalKind, searches: Sequence[SearchRecord], text: str, key: str = "") -> Signal:
    username, person_id = person_of(searches)
    return Signal(kind, username, person_id, text, seqs_of(searches), key)


# --- 1. one plate across unrelated cases, or without a case --------------------------------------


def _one_plate(s: SearchRecord) -> bool:
    """A search for one vehicle (exact or fuzzy), not a partial pattern."""
    plate = s.plate or ""
    return bool(plate) and s.plate_match in (None, "exact", "fuzzy") and not {"*", "?"} & set(plate)


def plate_across_cases(window: Sequence[SearchRecord], t: Thresholds) -> list[Signal]:
    """A person searching one plate under several case numbers, or under none. A detective
    searching one plate ten times for one case is doing the job; the same plate under three
    unrelated cases, or again and again with no case, is how the stalking cases looked."""
    groups: dict[tuple[str, str], list[SearchRecord]] = defaultdict(list)
    for s in window:
        if _one_plate(s):
            groups[(s.username, s.plate or "")].append(s)
    signals = []
    for (_, plate), searches in sorted(groups.items()):
        lacking = {
            s.seq for s in searches if lacks_case_number(s.case_number, t.case_number_pattern)
        }
        cases = {(s.case_number or "").strip().casefold() for s in searches if s.seq not in lacking}
        if len(cases) < t.plate_case_count and len(lacking) < t.plate_no_case_count:
            continue
        text = f"searched one plate {_n(len(searches), 'time')} under {_n(len(cases), 'case')}"
        if lacking:
            text += f"; {len(lacking)} of them without a valid case number"
        signals.append(_signal(SignalKind.PLATE_ACROSS_CASES, searches, text, f"plate:{plate}"))
    return signals


# --- 2. one person's share of all searches --------------------------------------------------------


def heavy_share(window: Sequence[SearchRecord], t: Thresholds) -> list[Signal]:
    """A person making far more of the searches than the people around them."""
    people = by_person(window)
    total = len(window)
    if total < t.share_min_searches or len(people) < 2:
        return []
    typical = median(len(v) for v in people.values())
    signals = []
    for _, searches in sorted(people.items()):
        count = len(searches)
        if count > t.share_median_factor * typical and count > t.share_min_fraction * total:
            text = (
                f"made {count} of the {total} searches ({100 * count / total:.0f}%), "
                f"{count / typical:.1f} times the median person's {typical:g}"
            )
            signals.append(_signal(SignalKind.HEAVY_SHARE, searches, text))
    return signals


# --- 3. boilerplate or reused justifications ------------------------------------------------------


def boilerplate(window: Sequence[SearchRecord], t: Thresholds) -> list[Signal]:
    """Justifications that fit any search, or one text copied across different cases: the
    purpose field filled in, not stated (DUP update 2026: the justification is required)."""
    reused = reused_seqs(window, t.case_number_pattern)
    signals = []
    for _, searches in sorted(by_person(window).items()):
        generic = [s for s in searches if is_generic(s.justification)]
        copied = [s for s in searches if s.seq in reused]
        flagged = [s for s in searches if s in generic or s.seq in reused]
        if len(flagged) < t.boilerplate_count:
            continue
        parts = []
        if generic:
            parts.append(f"{_n(len(generic), 'search', 'searches')} with a generic justification")
        if copied:
            parts.append(f"{len(copied)} reusing one text across different cases")
        text = f"{len(flagged)} of {_n(len(searches), 'search', 'searches')}: " + "; ".join(parts)
        signals.append(_signal(SignalKind.BOILERPLATE, flagged, text))
    return signals


# --- 4. many searches on one case number ----------------------------------------------------------


def case_volume(window: Sequence[SearchRecord], t: Thresholds) -> list[Signal]:
    """A case number many people search under (a case number borrowed to cover searches), or
    one person searching under one case far more than anyone normally does."""
    cases: dict[str, list[SearchRecord]] = defaultdict(list)
    for s in window:
        if not lacks_case_number(s.case_number, t.case_number_pattern):
            cases[(s.case_number or "").strip()].append(s)
    pairs = {
        (case, person): searches
        for case, on_case in cases.items()
        for person, searches in by_person(on_case).items()
    }
    typical = median(len(v) for v in pairs.values())
    signals = []
    for case, searches in sorted(cases.items()):
        people = {s.username for s in searches}
        if len(people) >= t.case_people_count:
            text = (
                f"{_n(len(searches), 'search', 'searches')} on case {case} by {len(people)} people"
            )
            signals.append(
                Signal(
                    SignalKind.CASE_VOLUME,
                    None,
                    None,
                    text,
                    seqs_of(searches),
                    f"case:{case}",
                    case,
                )
            )
    for (case, _), searches in sorted(pairs.items()):
        count = len(searches)
        if count >= t.case_search_min and count > t.case_search_factor * typical:
            ratio = f"{count / typical:.1f} times the usual {typical:g}"
            text = f"{count} searches on case {case}, {ratio}"
            found = _signal(SignalKind.CASE_VOLUME, searches, text, f"case:{case}")
            signals.append(replace(found, case_number=case))
    return signals


# --- 5. area searches near sensitive sites --------------------------------------------------------


def near_sensitive_sites(
    window: Sequence[SearchRecord], sites: Sequence[SensitiveSite], t: Thresholds
) -> list[Signal]:
    """An area that covers or reaches within the set distance of a clinic, a place of worship, a
    union hall or a shelter: who came and went there (DUP §3: no monitoring of First-Amendment
    activity; U26: no searches about reproductive health care)."""
    signals = []
    for s in window:
        if s.area is None:
            continue
        near = [
            site
            for site in sites
            if area_distance_m(s.area, (site.latitude, site.longitude))
            <= t.sensitive_site_distance_m
        ]
        if near:
            names = ", ".join(f"{site.name} ({site.kind})" for site in near[:3])
            more = f" and {len(near) - 3} more" if len(near) > 3 else ""
            text = (
                f"an area search reaching within {t.sensitive_site_distance_m:g} m of {names}{more}"
            )
            signals.append(_signal(SignalKind.SENSITIVE_SITE, [s], text, f"search:{s.seq}"))
    return signals


# --- 6. sweeping searches -------------------------------------------------------------------------


def _hours(s: SearchRecord) -> float | None:
    if s.window_start is None or s.window_end is None:
        return None
    return (s.window_end - s.window_start).total_seconds() / 3600


def sweeping(window: Sequence[SearchRecord], t: Thresholds) -> list[Signal]:
    """A search over a wide area, or with no plate over a long window: everyone who passed."""
    signals = []
    for s in window:
        km2, hours = area_km2(s), _hours(s)
        if km2 is not None and km2 >= t.sweeping_area_km2:
            text = f"an area search over {km2:.1f} km²"
        elif not s.plate and hours is not None and hours >= t.sweeping_window_hours:
            text = f"a search with no plate over {hours / 24:.1f} days"
        else:
            continue
        signals.append(_signal(SignalKind.SWEEPING_AREA, [s], text, f"search:{s.seq}"))
    return signals


# --- 7. off-hours and isolated sessions -----------------------------------------------------------


def _hour(moment: datetime, zone: tzinfo) -> float:
    local = moment.astimezone(zone)
    return local.hour + local.minute / 60


def is_night(hour: float, t: Thresholds) -> bool:
    start, end = t.night_start_hour, t.night_end_hour
    return (hour >= start or hour < end) if start > end else start <= hour < end


def _near_hour(a: float, b: float, width: float = 1.0) -> bool:
    apart = abs(a - b) % 24
    return min(apart, 24 - apart) <= width


def off_hours(
    window: Sequence[SearchRecord], history: Sequence[SearchRecord], t: Thresholds, zone: tzinfo
) -> list[Signal]:
    """A search at night when the person hardly ever searches at that hour: a night-shift
    officer's night searches are their usual hours; a day detective's 2 a.m. lookup is not."""
    hours = {
        person: [(s.seq, _hour(s.at, zone)) for s in searches]
        for person, searches in by_person(history).items()
    }
    signals = []
    for s in window:
        hour = _hour(s.at, zone)
        if not is_night(hour, t):
            continue
        others = [h for seq, h in hours.get(s.username, []) if seq != s.seq]
        usual = sum(_near_hour(hour, h) for h in others) / len(others) if others else 0.0
        if usual >= t.usual_hour_share:
            continue
        local = f"a search at {s.at.astimezone(zone):%H:%M} local time"
        if others:
            counted = _n(len(others), "other search", "other searches")
            share = f"{100 * usual:.0f}%"
            text = f"{local}; {share} of the person's {counted} fall within an hour of it"
        else:
            text = f"{local}, the person's only search: no usual hours to compare it with"
        signals.append(_signal(SignalKind.OFF_HOURS, [s], text, f"search:{s.seq}"))
    return signals


# Entries that frame a session rather than work in it: signing in and out, accepting the terms.
_FRAMING = frozenset(
    {
        "login.succeeded",
        "login.failed",
        "login.throttled",
        "logout",
        "mfa.enrolled",
        "mfa.enrolment_started",
        "mfa.enrolment_failed",
        "sessions.ended",
        "statement.accepted",
    }
)


def _isolated(s: SearchRecord, times: list[datetime], acts: list[Activity], gap: float) -> bool:
    low = bisect.bisect_left(times, s.at - timedelta(minutes=gap))
    high = bisect.bisect_right(times, s.at + timedelta(minutes=gap))
    return not any(
        a.seq != s.seq and (s.search_id is None or a.search_id != s.search_id)
        for a in acts[low:high]
    )


def isolated_sessions(
    window: Sequence[SearchRecord], activity: Iterable[Activity], t: Thresholds
) -> list[Signal]:
    """Searches made alone: signed in, one search, nothing else around it. One is a quick
    lookup; a habit of them is how a personal lookup hides among work."""
    acts: dict[str, list[Activity]] = defaultdict(list)
    for a in sorted(activity, key=lambda a: a.at):
        if a.action not in _FRAMING:
            acts[a.username].append(a)
    signals = []
    for _, searches in sorted(by_person(window).items()):
        mine = acts.get(searches[0].username, [])
        times = [a.at for a in mine]
        alone = [s for s in searches if _isolated(s, times, mine, t.session_gap_minutes)]
        if len(alone) >= t.isolated_count:
            counted = _n(len(searches), "search", "searches")
            text = (
                f"{len(alone)} of {counted} made alone, with no other activity within "
                f"{t.session_gap_minutes} minutes"
            )
            signals.append(_signal(SignalKind.ISOLATED_SESSION, alone, text))
    return signals


def detect(evidence: Evidence, t: Thresholds, zone: tzinfo) -> list[Signal]:
    """Every signal the window's searches raise."""
    window = evidence.window
    return [
        *plate_across_cases(window, t),
        *heavy_share(window, t),
        *boilerplate(window, t),
        *case_volume(window, t),
        *near_sensitive_sites(window, evidence.sites, t),
        *sweeping(window, t),
        *off_hours(window, evidence.searches, t, zone),
        *isolated_sessions(window, evidence.activity, t),
    ]
