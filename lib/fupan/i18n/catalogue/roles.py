"""分岗位复盘: the roles of a campaign team and what the review by role says."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "roles_title": ("分岗位复盘", "Review by role"),
    "roles_intro": (
        "同一份复盘按岗位切开：每个岗位的关键数字、与它相关的数据发现和它负责的行动项，复盘会上各岗位负责人先看自己这一格。"
        "发现按指标归到岗位，行动项按卡片里的 finding 归到岗位，没有写 finding 的按负责人称谓归；没有数据的数字显示为 —。"
        "各岗位自己的复盘写进卡片的 retrospective.by_role（如 直播: {went_well: [...], to_improve: [...]}），显示在对应的格子里。",
        "The same retrospective cut by role: each role's figures, the findings about its work and "
        "the actions it owns — at the review meeting each lead reads their own box first. Findings "
        "go to a role by their metric, actions by the finding the card names (else by the owner's "
        "title); a figure without data shows —. Each role's own review goes in the card's "
        "retrospective.by_role (e.g. live: {went_well: [...], to_improve: [...]}) and shows in its box.",
    ),
    "roles_actions": ("行动项", "Actions"),
    "roles_own": ("本岗位自评", "The role's own review"),
    "roles_no_findings": ("本岗位没有自动发现。", "No finding about this role."),
    "roles_unplanned": (
        "有未达预期的发现或待改进项，但卡片里还没有本岗位的行动项（retrospective.actions）。",
        "Something fell short, but the card has no action for this role yet (retrospective.actions).",
    ),
    "role_gap_service": (
        "发货时效、客服询单转化率、首响时长和差评不在订单导出里：要复盘这一块，请在订单里加发货时间（ship_time），"
        "并提供客服与评价日报（service_daily 表）。",
        "Shipping times, enquiry conversion, first-response time and bad reviews are not in an "
        "orders export: for this role's own review, add the ship time to the orders (ship_time) "
        "and give the service day report (the service_daily table).",
    ),
    "role_fig_ship_48": ("48小时发货率", "Shipped within 48 h"),
    "role_fig_inquiry_cr": ("询单转化率", "Enquiry conversion"),
    "role_fig_bad_reviews": ("差评率", "Bad-review rate"),
    "role_fig_stockout_lost_gmv": ("缺货损失GMV（估）", "GMV lost to stock-outs (est.)"),
    "role_fig_hero_stockout_rate": ("主推品缺货天占比", "Hero SKUs' days out of stock"),
}
