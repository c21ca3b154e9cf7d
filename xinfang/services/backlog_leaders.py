"""包案领导: the maintained list of leaders with their post (add, change the post or login, stop and resume);
each change is an event of the leader's own chain (kind "leader")."""
from __future__ import annotations

from ..domain.problems import DomainError


class LeadersMixin:
    def add_leader(self, name: str, post: str, actor: str, login: str = "") -> dict:
        from .backlog import MANAGE, _name
        self.ws.access.require(MANAGE)
        actor = self.ws.access.actor(actor)
        name, post = _name(name, "领导姓名"), _name(post, "领导职务", 60)
        if self.db.leader(name):
            raise DomainError(f"领导“{name}”已在名单中")
        now = self.ws.now()
        with self.ws.store.transaction():
            self.db.insert_leader(name, post, _name(login, "登录名", required=False), now)
            self.db.append_event("leader", name, "create", now, now, actor, {"post": post, "login": login})
        return self.leader(name)

    def update_leader(self, name: str, actor: str, post: str | None = None, login: str | None = None,
                      active: bool | None = None) -> dict:
        """Change a leader's post or login, or stop (active=False) / resume him. A stopped leader keeps his
        records and numbers but is no longer offered for new ones; he can only be stopped once none of his
        records is still 未化解 (change their 包案领导 first)."""
        from .backlog import MANAGE, _name
        self.ws.access.require(MANAGE)
        actor = self.ws.access.actor(actor)
        current = self.leader(name)
        changes: dict = {}
        if post is not None and _name(post, "领导职务", 60) != current["post"]:
            changes["post"] = _name(post, "领导职务", 60)
        if login is not None and _name(login, "登录名", required=False) != current["login"]:
            changes["login"] = _name(login, "登录名", required=False)
        if active is not None and bool(active) != current["active"]:
            changes["active"] = bool(active)
        if not changes:
            raise DomainError(f"领导“{current['name']}”的信息没有变化")
        if changes.get("active") is False:
            open_items = self.db.open_records_of_leader(current["name"])
            if open_items:
                raise DomainError(f"{current['name']}还包案 {open_items} 件未化解的积案，请先更换这些积案的包案领导，再停用")
        now = self.ws.now()
        with self.ws.store.transaction():
            self.db.update_leader(current["name"], changes)
            self.db.append_event("leader", current["name"], "update", now, now, actor, changes)
        return self.leader(current["name"])

    def leaders(self, include_stopped: bool = False) -> list[dict]:
        """The leaders offered for new records (all of them, stopped ones too, with include_stopped)."""
        return [{"id": i, "name": n, "post": p, "login": lg, "active": bool(a)}
                for i, n, p, lg, a in self.db.leaders(active_only=not include_stopped)]

    def leader(self, name: str, active_only: bool = False) -> dict:
        row = self.db.leader(str(name or "").strip())
        if row is None:
            raise DomainError(f"包案领导“{name}”不在领导名单中，请先添加（xinfang leader add）")
        if active_only and not row[4]:
            raise DomainError(f"包案领导“{row[1]}”已停用，请选择其他领导（或在包案领导名单中重新启用）")
        return {"id": row[0], "name": row[1], "post": row[2], "login": row[3], "active": bool(row[4])}

    def leader_of_user(self, login: str) -> str:
        """The leader a user is (by login, else by the same name); '' when the user is no leader."""
        for _, name, _, lg, _ in self.db.leaders():
            if lg == login or (not lg and name == login):
                return name
        return ""
