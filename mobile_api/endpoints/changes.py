"""GET /changes: what to reload or drop since the phone's last sync (seedreg.sync)."""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router

from seedreg.sync.feed import changes_since

from ..schemas import ERRORS, Schema

router = Router(tags=["离线同步"])


class ChangesQuery(Schema):
    since: int = Field(0, ge=0, le=2**62, description="上次同步得到的 cursor；首次为下载时返回的 cursor")
    limit: int = Field(200, ge=1, le=500)


class ChangeOut(Schema):
    seq: int
    kind: str = Field(..., description="business | variety | task | lot | stop_sale_order …")
    id: str
    op: str = Field(..., description="upsert：重新下载；delete：从手机删除（含改派给他人）")
    changed_at: datetime.datetime


class ChangesPage(Schema):
    cursor: int = Field(..., description="下次请求的 since")
    has_more: bool
    changes: list[ChangeOut]


@router.get("/changes", response={200: ChangesPage, **ERRORS}, operation_id="changes_since",
            summary="增量变更（含删除与改派），按序号递增")
def changes(request, q: Query[ChangesQuery]):
    page = changes_since(request.auth.user, q.since, limit=q.limit)
    return {"cursor": page.cursor, "has_more": page.has_more,
            "changes": [{"seq": c.seq, "kind": c.kind, "id": c.object_id, "op": c.op, "changed_at": c.changed_at}
                        for c in page.changes]}
