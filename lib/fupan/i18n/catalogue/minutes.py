"""The review meeting's minutes (:mod:`fupan.report.sections.minutes`, minutes.md)."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "minutes_title": ("复盘会纪要：{name}", "Review meeting minutes: {name}"),
    "minutes_title_war": ("战报会纪要：{name}", "War-room meeting notes: {name}"),
    "minutes_period": ("活动期 {start} ~ {end}", "Campaign {start} .. {end}"),
    "minutes_war": ("战报，数字截至 {as_of}", "a war report, figures up to {as_of}"),
    "minutes_source": (
        "fupan 按本次复盘的结果起草：数字与 report.html 相同，口径见报告附录；会上改定后存档。",
        "Drafted by fupan from this retrospective's results: the figures are report.html's, "
        "their definitions in its appendix; amend it in the meeting, then file it.",
    ),
    "minutes_footer": (
        "与 report.html、case.json 出自同一次运行；fupan archive 凭本行的案例哈希核对，改定时请保留本行",
        "From the same run as report.html and case.json; fupan archive checks the case hash on "
        "this line, so keep it when amending",
    ),
    "minutes_h_conclusion": ("结论", "Conclusions"),
    "minutes_h_problems": ("主要问题", "Problems"),
    "minutes_h_actions": ("行动项", "Actions"),
    "minutes_actions_where": (
        "会上定下的行动项、负责人、截止日和验收指标，请写进 campaign.yaml 的 retrospective.actions，"
        "然后重跑 fupan run：下次大促的报告从案例记录里带出未结行动，不读本纪要。",
        "Write the actions, owners, due dates and checks agreed in the meeting into campaign.yaml's "
        "retrospective.actions and run fupan run again: the next campaign's report carries the "
        "open actions over from the case record, not from these minutes.",
    ),
    "minutes_h_lessons": ("团队经验", "The team's lessons"),
    "minutes_h_roles": ("分岗位自评", "Each role's own review"),
    "minutes_h_carried": ("上次遗留行动（{case}）", "Actions carried over from {case}"),
    "minutes_h_checklist": ("下次大促清单", "Checklist for the next campaign"),
    "minutes_h_todo": ("余下活动期待办", "To do for the rest of the campaign"),
    "minutes_lesson_check": (
        "数据核对：{period}增量 {shown}，占目标缺口 {share}",
        "checked: {period} increment {shown}, {share} of the gap to target",
    ),
    "minutes_carried_item": ("（上次遗留）", "(carried over) "),
    "minutes_nothing": ("（无）", "(none)"),
}
