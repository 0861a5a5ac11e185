"""公共基础: codes, calendar, audit, errors, masking shared by every module."""
