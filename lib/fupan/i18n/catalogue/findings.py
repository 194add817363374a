"""The auto-drafted findings (:mod:`fupan.analysis.findings`) and the A/B verdict."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "finding_target_met": (
        "{kpi}目标达成：实际 {actual}，目标 {target}，达成率 {achievement:.1%}。",
        "{kpi} target met: {actual} against {target} ({achievement:.1%}).",
    ),
    "finding_target_missed": (
        "{kpi}目标未达成：实际 {actual}，目标 {target}，达成率 {achievement:.1%}。",
        "{kpi} target missed: {actual} against {target} ({achievement:.1%}).",
    ),
    "finding_target_in_progress": (
        "{kpi}目标进行中：截至目前 {actual}，目标 {target}，进度 {achievement:.1%}。",
        "{kpi} target in progress: {actual} so far against {target} ({achievement:.1%}).",
    ),
    "finding_hypothesis_holds": (
        "假设 {id}「{text}」成立：{window}{kpi} = {actual}（判据 {op} {value}）。",
        'Hypothesis {id} "{text}" holds: {kpi} in {window} = {actual} (test {op} {value}).',
    ),
    "finding_hypothesis_fails": (
        "假设 {id}「{text}」不成立：{window}{kpi} = {actual}（判据 {op} {value}）。",
        'Hypothesis {id} "{text}" fails: {kpi} in {window} = {actual} (test {op} {value}).',
    ),
    "finding_fastest_channel": (
        "增长最快的渠道是 {channel}：活动期日均GMV是基线的 {index:.1f} 倍。",
        "Fastest-growing channel: {channel}, daily GMV {index:.1f}× its baseline.",
    ),
    "finding_slowest_channel": (
        "增长最慢的渠道是 {channel}：活动期日均GMV仅为基线的 {index:.1f} 倍。",
        "Slowest channel: {channel}, daily GMV only {index:.1f}× its baseline.",
    ),
    "finding_decomposition": (
        "日均GMV从 {base} 变为 {current}，最大驱动因素是{driver}（{amount}，LMDI）。",
        "Daily GMV moved from {base} to {current}; the largest driver was {driver} ({amount}, LMDI).",
    ),
    "finding_funnel_leak": (
        "漏斗最大流失在「{step_from}→{step_to}」：转化率 {conversion}，流失 {drop_off}。",
        "Biggest funnel leak: {step_from} → {step_to}, conversion {conversion} (drop-off {drop_off}).",
    ),
    "finding_funnel_leak_worse": (
        "漏斗最大流失在「{step_from}→{step_to}」：转化率 {conversion}，低于日常期的 {baseline}（流失 {drop_off}）。",
        "Biggest funnel leak: {step_from} → {step_to}, conversion {conversion}, below the "
        "baseline's {baseline} (drop-off {drop_off}).",
    ),
    "finding_funnel_leak_better": (
        "漏斗流失最多的一步是「{step_from}→{step_to}」（转化率 {conversion}），但已好于日常期的 {baseline}。",
        "The funnel loses most at {step_from} → {step_to} (conversion {conversion}), yet that "
        "step beat the baseline's {baseline}.",
    ),
    "finding_stockout_sku": ("{sku}（{days}天）", "{sku} ({days} d)"),
    "finding_stockout_lost": (
        "，估计损失GMV {total}（保守下限 {floor}）",
        "; estimated GMV lost {total} (floor {floor})",
    ),
    "finding_undercut": (
        "活动期 {n} 个SKU被低于本店到手价销售（破价）：{cases}。",
        "{n} SKU(s) were sold below the shop's own final price during the campaign: {cases}.",
    ),
    "finding_undercut_case": (
        "{seller}卖{sku}最多低{gap}（{days}天）",
        "{seller} sold {sku} up to {gap} under it ({days} d)",
    ),
    "finding_shipping": (
        "发货积压：活动期 48 小时发货率 {rate}，日常期 {base}；付款到发货中位 {median} 小时{worst}。",
        "Shipping fell behind: {rate} of the campaign's orders shipped within 48 hours against "
        "{base} in the baseline; a median of {median} hours from payment to shipping{worst}.",
    ),
    "finding_shipping_worst": (
        "；{date} 付款的订单只有 {rate} 按时发出",
        "; of the orders paid on {date}, only {rate} shipped in time",
    ),
    "finding_stockouts": (
        "活动期有 {n} 个SKU缺货，共 {days} 个SKU天：{skus}{lost}。",
        "{n} SKU(s) ran out of stock during the campaign, {days} SKU-days: {skus}{lost}.",
    ),
    "finding_roas": (
        "投产比（=后台ROI）最高的渠道是 {high}（{high_roas:.2f}），最低的是 {low}（{low_roas:.2f}）；投产比只看成交额，赚没赚钱看利润ROI。",
        'Highest ROAS (the platform\'s "ROI"): {high} ({high_roas:.2f}); lowest: {low} ({low_roas:.2f}). ROAS counts sales only; profit is in the profit ROI.',
    ),
    "finding_repeat_below": (
        "活动新客{k}天复购率 {campaign}，显著低于自然新客 {organic}{observed}。",
        "Campaign new customers repeat within {k} days at {campaign}, significantly below "
        "{organic} for organic new customers{observed}.",
    ),
    "finding_repeat_above": (
        "活动新客{k}天复购率 {campaign}，显著高于自然新客 {organic}{observed}。",
        "Campaign new customers repeat within {k} days at {campaign}, significantly above "
        "{organic} for organic new customers{observed}.",
    ),
    "finding_repeat_observed": (
        "（只含首单后已观察满{k}天的 {n:,} 人；另有 {censored:,} 人首单离数据截止不足{k}天，尚未计入）",
        " (only the {n:,} observed for {k} days after their first order; {censored:,} more, whose "
        "first order is under {k} days before the data end, are not in it yet)",
    ),
    "finding_repeat_short_history": (
        "活动新客{k}天复购率 {campaign}，对比“自然新客” {organic}：订单历史在日常期前不足 {days} "
        "天，“自然新客”多半是老客，两者不可比，不作判断。",
        "Campaign new customers repeat within {k} days at {campaign}, against {organic} for "
        "'organic new' customers: the order history begins under {days} days before the baseline, "
        "so most 'organic new' customers are old ones — not comparable, no verdict.",
    ),
    "finding_repeat_against": (
        "活动新客{k}天复购率 {campaign}，对比自然新客 {organic}（差异不显著）{observed}。",
        "Campaign new customers repeat within {k} days at {campaign}, against {organic} for "
        "organic new customers (not significant){observed}.",
    ),
    "finding_lift": (
        "{span}期净增量GMV {amount}（95%可能范围 {lower} ~ {upper}）{dip}。",
        "Net incremental GMV, {span}, {amount} (95% CI {lower} to {upper}){dip}.",
    ),
    "finding_lift_no_dip": (
        "{span}期增量GMV {amount}（95%可能范围 {lower} ~ {upper}；本报告没有回落期，透支未估算）。",
        "Incremental GMV, {span}, {amount} (95% CI {lower} to {upper}; this report has no "
        "dip window: pull-forward not estimated).",
    ),
    "finding_lift_pull_forward_share": (
        "，其中 {share} 被回落期透支",
        "; {share} of the lift was pulled forward from the dip",
    ),
    "finding_lift_pull_forward": (
        "；回落期比预期少卖 {amount}",
        "; the dip sold {amount} less than expected",
    ),
    "finding_lift_halo": (
        "；回落期没有透支，反而比预期多卖 {amount}（95%可能范围 {lower} ~ {upper}，长尾带动）",
        "; the dip was not paid back but sold {amount} more than expected (95% CI {lower} to {upper}, a halo)",
    ),
    "finding_lift_flat": (
        "；回落期与预期的差异与零无法区分",
        "; the dip is not distinguishable from zero",
    ),
    "finding_margin_roi_above": (
        "利润ROI {roi:.2f}（增量毛利 {igp} / 投放及活动成本 {cost}），高于盈亏线 {break_even:.1f}；投产比（=后台ROI）{roas:.2f} 只看成交额。",
        "Profit ROI {roi:.2f} (incremental gross profit {igp} / cost {cost}), above break-even "
        "{break_even:.1f}; ROAS {roas:.2f} counts sales only.",
    ),
    "finding_margin_roi_below": (
        "利润ROI {roi:.2f}（增量毛利 {igp} / 投放及活动成本 {cost}），低于盈亏线 {break_even:.1f}；投产比（=后台ROI）{roas:.2f} 只看成交额。",
        "Profit ROI {roi:.2f} (incremental gross profit {igp} / cost {cost}), below break-even "
        "{break_even:.1f}; ROAS {roas:.2f} counts sales only.",
    ),
    "finding_cause_day": ("渠道占比告警日 {day} 主因：{cause}。", "Main cause on {day}: {cause}."),
    "finding_cause_gap": ("GMV目标缺口主因：{cause}。", "Main cause of the GMV gap: {cause}."),
    "finding_ab": ("A/B测试：{verdict}", "A/B test: {verdict}"),
    "finding_preheat_spend": (
        "预热期的投放是为爆发期蓄水：至今花费 {spend}，投产比 {roas:.2f}；赚没赚钱（利润ROI、保本投产比）"
        "要到爆发期之后才能判断。",
        "The pre-heat's spend builds the burst's pool: {spend} so far, ROAS {roas:.2f}; whether "
        "it paid (profit ROI, break-even ROAS) can only be judged after the burst.",
    ),
    "finding_below_break_even": (
        "{n} 个有花费的渠道投产比低于保本线 {break_even:.2f}：{channels}（合计花费 {spend}）。",
        "{n} channel(s) with spend below the break-even ROAS of {break_even:.2f}: {channels} "
        "({spend} spent on them).",
    ),
    "finding_below_break_even_all": (
        "每卖一件都亏（折扣深度不低于单位毛利率），有花费的 {n} 个渠道都不保本：{channels}（合计花费 {spend}）。",
        "Every unit sells at a loss (the discount is at least the unit margin): all {n} channels "
        "with spend are below break-even: {channels} ({spend} spent on them).",
    ),
    "finding_share_alert": (
        "渠道占比异常：{day} {channel} 渠道GMV {actual}，按当期占比应为 {expected}（{rel:+.0%}）。",
        "Channel share off: {day}, {channel} GMV {actual} against {expected} expected from its share ({rel:+.0%}).",
    ),
    "finding_share_alert_no_show": (
        "缺播：{day} {hosts} 未开播，{channel} 渠道GMV {actual}，按当期占比应为 {expected}（{rel:+.0%}）。",
        "A no-show: on {day} {hosts} did not go live; {channel} GMV {actual} against {expected} "
        "expected from its share ({rel:+.0%}).",
    ),
    "finding_day_anomaly": (
        "异常日 {day}：{metric} {actual}，预期 {expected}（{rel}）。{driver}",
        "Anomalous day {day}: {metric} {actual} against {expected} expected ({rel}). {driver}",
    ),
    "finding_day_outside": (
        "（该日在{where}，不算活动本身的问题。）",
        " (That day is {where}: not a problem of the campaign itself.)",
    ),
    "finding_day_in_window": ("{phase}", "in the {phase} window"),
    "finding_day_in_no_window": ("任何活动窗口之外", "outside every window of the card"),
    "finding_day_anomaly_channel": (
        "异常日 {day}：{channel} 渠道{metric} {actual}，预期 {expected}（{rel}）。{driver}",
        "Anomalous day {day}: {metric} in channel {channel} {actual} against {expected} "
        "expected ({rel}). {driver}",
    ),
    # the A/B test's verdict (findings and the A/B section)
    "ab_srm": (
        "分流比例与设计不符，结果不可信，需先排查分流。",
        "The arm sizes do not match the design split (sample-ratio mismatch); do not trust the result until the "
        "assignment is fixed.",
    ),
    "ab_verdict": (
        "B 组转化率{significance}{direction} {lift:.1%}（95%可能范围 {lo:+.1%} ~ {hi:+.1%}）；人均GMV差 {diff}。{advice}",
        "Variant B {direction} conversion by {lift:.1%} (95% CI {lo:+.1%} to {hi:+.1%}; "
        "{significance}); revenue per user differs by {diff}. {advice}",
    ),
    "ab_raised": ("提升", "raised"),
    "ab_lowered": ("下降", "lowered"),
    "ab_significant": ("显著", "significant"),
    "ab_not_significant": ("不显著", "not significant"),
    "ab_adopt": (
        "建议在下次活动中采用 B 方案，并核算其成本。",
        "Adopt B next time, after costing it.",
    ),
    "ab_keep": ("证据不足以改变方案。", "The evidence does not justify a change."),
}
