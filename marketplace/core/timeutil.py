"""Time is stored in UTC (naive datetimes that mean UTC) and shown in Asia/Ho_Chi_Minh."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """Current time as a naive UTC datetime, the form the database stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ)


def format_local(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""
