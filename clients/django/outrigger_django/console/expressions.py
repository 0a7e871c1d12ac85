"""When an EventBridge Scheduler expression fires next, for the Schedules page: cron(), rate() and at(), in the
schedule's time zone (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html). An expression
using a form this does not evaluate gets no times rather than wrong ones (Unsupported)."""
import calendar
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

MONTHS = {m: i for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                      "DEC"], start=1)}
# EventBridge numbers days of the week 1-7 from Sunday
DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
# how far ahead a cron is searched: three fires of cron(0 0 29 2 ? *) span up to twelve years (there is no 29 February
# in 2100)
HORIZON_DAYS = 366 * 13


class Unsupported(ValueError):
    pass


def next_fires(expression, zone_name="UTC", after=None, count=3, start=None, end=None, created=None):
    """The next `count` fire times (aware datetimes in the schedule's zone) after `after` (default now), within the
    schedule's StartDate (`start`, inclusive) and EndDate (`end`, exclusive), which at() ignores as Scheduler does.
    rate() counts from StartDate, else from `created` (the schedule's creation), and gives nothing without either.
    The rules are the local scheduler's: the corpus contract/schedule-fire-times.json holds both to them."""
    zone = ZoneInfo(zone_name or "UTC")
    after = (after or datetime.now(timezone.utc)).astimezone(zone)
    expression = expression.strip()
    if expression.startswith("at(") and expression.endswith(")"):
        when = datetime.fromisoformat(expression[3:-1]).replace(tzinfo=zone)
        return [when] if when > after else []
    # StartDate itself may fire
    lower = after if start is None or start <= after else start.astimezone(zone) - timedelta(microseconds=1)
    if expression.startswith("rate(") and expression.endswith(")"):
        fires = _rate(expression[5:-1].split(), zone, lower, count, start or created)
    elif expression.startswith("cron(") and expression.endswith(")"):
        fires = _cron(expression[5:-1].split(), zone, lower, count)
    else:
        raise Unsupported(f"not a Scheduler expression: {expression}")
    return [f for f in fires if end is None or f < end]


def _rate(fields, zone, after, count, anchor):
    value, unit = fields
    step = timedelta(seconds=int(value) * RATE_UNITS[unit])
    if anchor is None:
        return []
    # a rate is a fixed duration, DST or not: count in UTC (aware arithmetic in the zone would keep the wall time)
    anchor = anchor.astimezone(timezone.utc)
    k = max(0, -(-(after - anchor) // step))
    out = []
    while len(out) < count:
        when = anchor + k * step
        if when > after:
            out.append(when.astimezone(zone))
        k += 1
    return out


def _cron(fields, zone, after, count):
    if len(fields) != 6:
        raise Unsupported("cron() takes 6 fields")
    minutes = _values(fields[0], 0, 59)
    hours = _values(fields[1], 0, 23)
    months = _values(fields[3], 1, 12, MONTHS)
    years = _values(fields[5], 1970, 2199)
    dom, dow = fields[2], fields[4]
    out = []
    day = after.date()
    for _ in range(HORIZON_DAYS):
        if day.year in years and day.month in months and _day_matches(day, dom, dow):
            for h in sorted(hours):
                for m in sorted(minutes):
                    naive = datetime(day.year, day.month, day.day, h, m)
                    when = naive.replace(tzinfo=zone)
                    # a wall time the DST change skips does not fire; one it repeats fires once (the first)
                    if when.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
                        continue
                    if when > after:
                        out.append(when)
                        if len(out) == count:
                            return out
        day += timedelta(days=1)
    return out


def _day_matches(day, dom, dow):
    last = calendar.monthrange(day.year, day.month)[1]
    weekday = (day.isoweekday() % 7) + 1  # Sunday 1 … Saturday 7
    if dom != "?":
        for part in dom.split(","):
            if part == "L":
                if day.day == last:
                    return True
            elif re.fullmatch(r"\d{1,2}W", part):
                if day == _nearest_weekday(day, int(part[:-1]), last):
                    return True
            elif day.day in _values(part, 1, 31):
                return True
        return False
    if dow == "?":
        return True
    if "#" in dow:
        d, n = dow.split("#")
        return weekday == _number(d, DAYS) and (day.day - 1) // 7 + 1 == int(n)
    if dow.endswith("L"):
        return weekday == _number(dow[:-1] or "7", DAYS) and day.day + 7 > last
    return weekday in _values(dow, 1, 7, DAYS)


def _nearest_weekday(day, n, last):
    """nW: the weekday nearest day n of day's month, never in another month (Saturday the 1st gives Monday the 3rd,
    Sunday the last gives Friday); none when the month has no day n."""
    if n > last:
        return None
    target = day.replace(day=n)
    weekday = target.isoweekday()  # Monday 1 … Sunday 7
    if weekday == 6:
        return target + timedelta(days=2) if n == 1 else target - timedelta(days=1)
    if weekday == 7:
        return target - timedelta(days=2) if n == last else target + timedelta(days=1)
    return target


def _number(text, names=None):
    text = text.upper()
    if names and text in names:
        return names[text]
    if not re.fullmatch(r"\d+", text):
        raise Unsupported(f"cannot read {text!r}")
    return int(text)


def _values(field, low, high, names=None):
    if field in ("*", "?"):
        return set(range(low, high + 1))
    out = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/")
            step = int(step_text)
        if part in ("*", ""):
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-")
            first, last = _number(a, names), _number(b, names)
        else:
            first = _number(part, names)
            last = high if step > 1 else first
        out.update(range(first, last + 1, step))
    return out
