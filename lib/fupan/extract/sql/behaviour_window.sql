-- Per window: 访客数 (distinct users with any event over the whole window, as the platforms'
-- dashboards count a period's visitors; not the day-summed UV of behaviour_daily.sql) and the
-- funnel (distinct users reaching each step within the window), by channel and across channels
-- ('_all'), with the number of days the channel's events cover in the window.
WITH customer_channels AS (
    SELECT w.phase, e.channel, e.user_key, bit_or(e.steps) AS steps
    FROM calendar w
    JOIN user_channel_days e ON e.date = w.date
    GROUP BY 1, 2, 3
), customers AS (
    SELECT phase, user_key, bit_or(steps) AS steps
    FROM customer_channels
    GROUP BY 1, 2
), counted AS (
    SELECT phase, channel, steps FROM customer_channels
    UNION ALL
    SELECT phase, '_all' AS channel, steps FROM customers
), days AS (
    SELECT w.phase, coalesce(d.channel, '_all') AS channel, count(DISTINCT d.date) AS days
    FROM calendar w
    JOIN (SELECT DISTINCT date, channel FROM user_channel_days) d ON d.date = w.date
    GROUP BY GROUPING SETS ((w.phase, d.channel), (w.phase))
)
SELECT c.phase,
       c.channel,
       count(*)                                          AS uv,
       max(d.days)                                       AS days,
       count(CASE WHEN (c.steps & 1) <> 0 THEN 1 END)    AS s_visit,
       count(CASE WHEN (c.steps & 2) <> 0 THEN 1 END)    AS s_view,
       count(CASE WHEN (c.steps & 4) <> 0 THEN 1 END)    AS s_cart,
       count(CASE WHEN (c.steps & 8) <> 0 THEN 1 END)    AS s_order,
       count(CASE WHEN (c.steps & 16) <> 0 THEN 1 END)   AS s_pay
FROM counted c
JOIN days d ON d.phase = c.phase AND d.channel = c.channel
GROUP BY 1, 2
ORDER BY 1, 2
