"""门户 / 工作台: server-rendered pages for citizens, enterprises and staff."""
