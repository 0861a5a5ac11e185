"""事项管理: departments, service items and their guides, topics, search."""
