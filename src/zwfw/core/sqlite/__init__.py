"""Django's SQLite backend with writers queued on a lock file (``ENGINE = "zwfw.core.sqlite"``)."""
