-- A/B test: one row per user who had an event with a variant inside the campaign window, with the
-- orders and GMV of that user inside the same window. No user identifier is returned (users are
-- the 64-bit keys of event_days.sql; orders are matched by the same key).
WITH exposed AS (
    SELECT user_key, min(variant) AS variant, count(DISTINCT variant) AS n_variants
    FROM event_days
    WHERE variant IS NOT NULL
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
SELECT e.variant, e.n_variants, coalesce(b.orders, 0) AS orders, coalesce(b.gmv, 0.0) AS gmv
FROM exposed e LEFT JOIN bought b USING (user_key)
ORDER BY e.user_key
