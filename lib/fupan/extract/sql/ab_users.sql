-- A/B test: one row per user who had an event with a variant inside the campaign window — the
-- smallest variant seen and whether more than one was (`mixed`) — with the orders and GMV of that
-- user inside the same window. No user identifier is returned (users are the 64-bit keys of
-- user_channel_days.sql; orders are matched by the same key).
WITH exposed AS (
    SELECT user_key,
           min(variant_min)                     AS variant,
           max(variant_max) <> min(variant_min) AS mixed
    FROM user_channel_days
    WHERE variant_min IS NOT NULL
      AND date BETWEEN (SELECT start_date FROM windows WHERE phase = 'campaign')
                   AND (SELECT end_date FROM windows WHERE phase = 'campaign')
    GROUP BY user_key
), bought AS (
    SELECT hash(user_id) AS user_key, count(*) AS orders, CAST(sum(gmv) AS DOUBLE) AS gmv
    FROM order_level
    WHERE NOT cancelled
      AND order_date BETWEEN (SELECT start_date FROM windows WHERE phase = 'campaign')
                         AND (SELECT end_date FROM windows WHERE phase = 'campaign')
    GROUP BY 1
)
SELECT e.variant, e.mixed, coalesce(b.orders, 0) AS orders, coalesce(b.gmv, 0.0) AS gmv
FROM exposed e LEFT JOIN bought b USING (user_key)
ORDER BY e.user_key
