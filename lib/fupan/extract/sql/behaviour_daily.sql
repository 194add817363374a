-- Per day: UV (distinct users with any event) and the funnel (distinct users reaching each step),
-- by channel and across channels ('_all': a user counted once however many channels they came
-- through). One row per (day, customer, channel) in user_channel_days.sql, so a channel's counts
-- are counts of its rows; '_all' first merges each customer's channels of the day.
WITH customer_days AS (
    SELECT date, user_key, bit_or(steps) AS steps
    FROM user_channel_days
    GROUP BY 1, 2
), counted AS (
    SELECT date, channel, steps FROM user_channel_days
    UNION ALL
    SELECT date, '_all' AS channel, steps FROM customer_days
)
SELECT date,
       channel,
       count(*)                                        AS uv,
       count(CASE WHEN (steps & 1) <> 0 THEN 1 END)    AS s_visit,
       count(CASE WHEN (steps & 2) <> 0 THEN 1 END)    AS s_view,
       count(CASE WHEN (steps & 4) <> 0 THEN 1 END)    AS s_cart,
       count(CASE WHEN (steps & 8) <> 0 THEN 1 END)    AS s_order,
       count(CASE WHEN (steps & 16) <> 0 THEN 1 END)   AS s_pay
FROM counted
GROUP BY 1, 2
ORDER BY 1, 2
