-- Per window: 访客数 (distinct users with any event over the whole window, as the platforms'
-- dashboards count a period's visitors; not the day-summed UV of behaviour_daily.sql) and the
-- funnel (distinct users reaching each step within the window), by channel and across channels
-- ('_all'), with the number of days the channel's events cover in the window.
--
-- How it counts: every window gets a 6-bit slot of a BIGINT (at most six windows: the card's five
-- and 'campaign'; slot = the window's rank by name). A customer-day of user_channel_days.sql sets,
-- in the slot of each window holding its day, bit 32 (seen) and its funnel-step bits (visit 1,
-- view 2, cart 4, order 8, pay 16) — (steps | 32) times the day's sum of 2^(6·slot), as the slots do
-- not overlap. OR-ing a customer's days in a channel gives one row per (channel, customer) whose
-- slots say which windows they were seen in and which steps they reached there; OR-ing their
-- channels gives the '_all' row. Rows with the same bits are counted together, and a window's count
-- of users reaching a step is the number of rows with that bit set in its slot — the same numbers
-- as count(DISTINCT customer) per window, channel and step, with one pass over the customer-days
-- instead of one per window.
WITH phases AS (
    SELECT phase, CAST(row_number() OVER (ORDER BY phase) - 1 AS INTEGER) AS slot
    FROM (SELECT DISTINCT phase FROM calendar) p
), day_slots AS (
    SELECT c.date, CAST(sum(CAST(1 AS BIGINT) << (6 * p.slot)) AS BIGINT) AS m
    FROM calendar c
    JOIN phases p ON p.phase = c.phase
    GROUP BY 1
), customer_channels AS (
    SELECT e.channel, e.user_key, bit_or(CAST(e.steps | 32 AS BIGINT) * d.m) AS bits
    FROM user_channel_days e
    JOIN day_slots d ON d.date = e.date
    GROUP BY 1, 2
), patterns AS (
    SELECT channel, bits, count(*) AS n
    FROM customer_channels
    GROUP BY 1, 2
    UNION ALL
    SELECT '_all' AS channel, bits, count(*) AS n
    FROM (SELECT user_key, bit_or(bits) AS bits FROM customer_channels GROUP BY 1) u
    GROUP BY 2
), counted AS (
    SELECT p.phase,
           t.channel,
           sum(CASE WHEN ((t.bits >> (6 * p.slot)) & 32) <> 0 THEN t.n ELSE 0 END) AS uv,
           sum(CASE WHEN ((t.bits >> (6 * p.slot)) & 1) <> 0 THEN t.n ELSE 0 END)  AS s_visit,
           sum(CASE WHEN ((t.bits >> (6 * p.slot)) & 2) <> 0 THEN t.n ELSE 0 END)  AS s_view,
           sum(CASE WHEN ((t.bits >> (6 * p.slot)) & 4) <> 0 THEN t.n ELSE 0 END)  AS s_cart,
           sum(CASE WHEN ((t.bits >> (6 * p.slot)) & 8) <> 0 THEN t.n ELSE 0 END)  AS s_order,
           sum(CASE WHEN ((t.bits >> (6 * p.slot)) & 16) <> 0 THEN t.n ELSE 0 END) AS s_pay
    FROM patterns t
    CROSS JOIN phases p
    GROUP BY 1, 2
), days AS (
    SELECT w.phase, coalesce(d.channel, '_all') AS channel, count(DISTINCT d.date) AS days
    FROM calendar w
    JOIN (SELECT DISTINCT date, channel FROM user_channel_days) d ON d.date = w.date
    GROUP BY GROUPING SETS ((w.phase, d.channel), (w.phase))
)
SELECT c.phase,
       c.channel,
       CAST(c.uv AS BIGINT)      AS uv,
       d.days,
       CAST(c.s_visit AS BIGINT) AS s_visit,
       CAST(c.s_view AS BIGINT)  AS s_view,
       CAST(c.s_cart AS BIGINT)  AS s_cart,
       CAST(c.s_order AS BIGINT) AS s_order,
       CAST(c.s_pay AS BIGINT)   AS s_pay
FROM counted c
JOIN days d ON d.phase = c.phase AND d.channel = c.channel
WHERE c.uv > 0
ORDER BY 1, 2
