"""Use cases: functions callable without HTTP or a scheduler. They flush; callers commit."""
