"""设置 pages for 谁主管谁负责: the unit directory, the 权责清单 (versions, import with a dry run), 分办试算 and the
order of the 分办原则. Everything goes through Workspace (services); nothing is written until the user confirms."""
